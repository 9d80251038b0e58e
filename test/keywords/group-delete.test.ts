import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, type TestApp } from '../helpers/app.ts';
import { mediaInput } from '../search/fixtures.ts';
import type { Keyword, KeywordGroup, Media } from '../../core/store/index.ts';

let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;
let editor: Awaited<ReturnType<typeof signIn>>;
let places: KeywordGroup;
let tagsId: string;
const kw: Record<string, Keyword> = {};
const media: Record<string, Media> = {};

before(async () => {
  t = await makeApp();
  await addUser(t, 'alice', 'admin');
  await addUser(t, 'eddie', 'editor');
  await addUser(t, 'mia', 'member');
  admin = await signIn(t, 'alice');
  editor = await signIn(t, 'eddie');
  const kws = t.app.kiosque.keywords;
  tagsId = (await kws.group('tags'))!.id;
  places = await kws.createGroup({ title: 'Lieux', multiple: true });
  kw.paris = await kws.create(places.id, 'Paris');
  kw.lyon = await kws.create(places.id, 'Lyon');
  kw.venise = await kws.create(places.id, 'Venise');
  kw.masques = await kws.create(tagsId, 'Masques');
  kw.veniseTag = await kws.create(tagsId, 'Venise');
  const add = async (name: string, keywordIds: string[], status: Media['status'] = 'published') => {
    media[name] = await t.store.media.create(mediaInput({ title: name, keywordIds, status }));
    t.app.kiosque.search.upsert(media[name]);
  };
  await add('Tour Eiffel', [kw.paris!.id, kw.masques!.id]);
  await add('Fourvière', [kw.lyon!.id], 'draft');
  await add('Bal masqué', [kw.masques!.id]);
  await add('Deux villes', [kw.paris!.id, kw.lyon!.id]);
  // Visitors only reach the page of a keyword that published media carry.
  await add('Gondole', [kw.veniseTag!.id]);
});
after(() => t.close());

const html = (path: string) => request(t.app).get(path).set('Accept', 'text/html');
const page = (agent: typeof admin, path: string) => agent.get(path).set('Accept', 'text/html');
const confirmPath = (id: string) => `/admin/keywords/groups/${id}/delete`;
const deleteGroup = (agent: typeof admin, id: string, token?: string) =>
  agent.post(confirmPath(id)).type('form').set('Accept', 'text/html').send(token === undefined ? {} : { _csrf: token });
/** Everything a group deletion could change, to show that a refused request changed nothing. */
const snapshot = async () => JSON.stringify([await t.store.keywordGroups.list(), await t.store.keywords.list(), await Promise.all(Object.values(media).map((m) => t.store.media.get(m.id)))]);

test('the keywords page offers to delete a group, except the tags group', async () => {
  const res = await page(admin, '/admin/keywords').expect(200);
  // The link carries the list it is on (the group's section, its page), where Cancel leads back.
  assert.match(res.text, new RegExp(`<a href="${confirmPath(places.id)}\\?group&#x3D;lieux&amp;page&#x3D;1" class="danger">Delete the group</a>`));
  assert.doesNotMatch(res.text, new RegExp(confirmPath(tagsId)));
});

test('the confirmation page says how many keywords the group holds and how many media carry them', async () => {
  const res = await page(admin, confirmPath(places.id)).expect(200);
  assert.match(res.text, /<h1>Delete the group “Lieux”<\/h1>/);
  assert.doesNotMatch(res.text, /<h2>Delete the group/, 'the heading once');
  // Paris, Lyon, Venise; Tour Eiffel, Fourvière (a draft counts), Deux villes.
  assert.match(res.text, /Keywords in this group: 3\. Media carrying at least one of them: 3\./);
  assert.match(res.text, new RegExp(`<form method="post" action="${confirmPath(places.id)}"`));
  assert.match(res.text, /name="_csrf" value="[^"]{10,}"/);
  const fr = await page(admin, `${confirmPath(places.id)}?lang=fr`).expect(200);
  assert.match(fr.text, /Supprimer le groupe «\u00a0Lieux\u00a0»/);
  assert.match(fr.text, /Mots-clés de ce groupe\u00a0: 3\. Médias portant au moins l’un d’eux\u00a0: 3\./);
  await page(admin, '/admin/keywords?lang=en').expect(200); // the choice of language is remembered: back to English
});

test('a group title is shown escaped on the confirmation page', async () => {
  const odd = await t.app.kiosque.keywords.createGroup({ title: '<img src=x onerror=alert(1)>' });
  const res = await page(admin, confirmPath(odd.id)).expect(200);
  assert.doesNotMatch(res.text, /<img src=x/);
  assert.match(res.text, /&lt;img src&#x3D;x onerror&#x3D;alert\(1\)&gt;/);
  assert.match(res.text, /Keywords in this group: 0\. Media carrying at least one of them: 0\./);
});

test('an unknown group is a 404 page, for the confirmation and the deletion', async () => {
  const before = await snapshot();
  const missing = await page(admin, confirmPath('no-such-group')).expect(404);
  assert.match(missing.headers['content-type']!, /text\/html/);
  await deleteGroup(admin, 'no-such-group', await tokenOf(admin, '/admin/keywords')).expect(404);
  // The group's slug is not its id: the address takes ids only.
  await page(admin, confirmPath('lieux')).expect(404);
  assert.equal(await snapshot(), before);
});

test('only admins may delete a group; editors, members and visitors change nothing', async () => {
  const before = await snapshot();
  await page(editor, confirmPath(places.id)).expect(403);
  await deleteGroup(editor, places.id, await tokenOf(editor, '/admin/keywords')).expect(403);
  const member = await signIn(t, 'mia');
  await page(member, confirmPath(places.id)).expect(403);
  await deleteGroup(member, places.id, await tokenOf(member)).expect(403);
  await html(confirmPath(places.id)).expect(302);
  await request(t.app).post(confirmPath(places.id)).type('form').send({}).expect(401);
  assert.equal(await snapshot(), before);
});

test('the deletion needs the CSRF token', async () => {
  const before = await snapshot();
  await deleteGroup(admin, places.id).expect(403);
  await deleteGroup(admin, places.id, 'not-the-token').expect(403);
  assert.equal(await snapshot(), before);
});

test('the tags group cannot be deleted: the page says why, and the POST is refused with nothing changed', async () => {
  const before = await snapshot();
  const confirm = await page(admin, confirmPath(tagsId)).expect(200);
  assert.match(confirm.text, /The group “Tags” cannot be deleted: uploads and editors add their tags to it\./);
  assert.doesNotMatch(confirm.text, /<form method="post" action="\/admin\/keywords\/groups\//);
  const refused = await deleteGroup(admin, tagsId, await tokenOf(admin, '/admin/keywords')).expect(400);
  assert.match(refused.text, /The group “Tags” cannot be deleted/);
  const fr = await admin.post(`${confirmPath(tagsId)}?lang=fr`).type('form').set('Accept', 'text/html').send({ _csrf: await tokenOf(admin, '/admin/keywords') }).expect(400);
  assert.match(fr.text, /Le groupe «\u00a0Tags\u00a0» ne peut pas être supprimé/);
  await page(admin, '/admin/keywords?lang=en').expect(200);
  assert.equal(await snapshot(), before);
  await assert.rejects(t.app.kiosque.keywords.removeGroup(tagsId), /group_protected/);
});

test('deleting a group deletes its keywords and takes them off every media; search, pages and the API follow', async () => {
  // A keyword of the group merged into a tag: its old address led to the tag until the group goes.
  await t.app.kiosque.keywords.merge(kw.venise!.id, kw.veniseTag!.id);
  assert.equal((await html('/keywords/lieux/venise').expect(301)).headers.location, '/keywords/tags/venise');
  // Pages an anonymous visitor saw before (kept in the page cache) must not outlive the deletion.
  await html('/keywords/lieux/paris').expect(200);
  assert.match((await html('/search?kw=lieux/paris').expect(200)).text, /Tour Eiffel/);
  assert.match((await html('/search?q=paris').expect(200)).text, /Tour Eiffel/, 'keyword titles are searchable text');
  assert.equal((await request(t.app).get('/api/v1/media?kw=lieux/paris').expect(200)).body.total, 2);

  // The group is in the main navigation: it leaves it, and a new group of the same name does not take its place there.
  await t.store.settings.set('skeleton', { ...((await t.store.settings.get<Record<string, unknown>>('skeleton')) ?? {}), navigationKeywordGroups: ['lieux'] });
  assert.match((await html('/').expect(200)).text, /class="nav-group-title"[^>]*>Lieux</);
  const res = await deleteGroup(admin, places.id, await tokenOf(admin, '/admin/keywords')).expect(303);
  assert.deepEqual((await t.store.settings.get<Record<string, unknown>>('skeleton'))!.navigationKeywordGroups, []);
  const again = await t.app.kiosque.keywords.createGroup({ title: 'Lieux', multiple: true });
  assert.equal(again.slug, 'lieux');
  await t.app.kiosque.keywords.create(again.id, 'Rome');
  assert.doesNotMatch((await html('/').expect(200)).text, /nav-group-title"[^>]*>Lieux</);
  assert.equal(res.headers.location, '/admin/keywords?done=group_deleted');
  assert.match((await page(admin, res.headers.location).expect(200)).text, /<p class="notice" role="status">Group deleted, with its keywords\.<\/p>/);

  assert.equal(await t.app.kiosque.keywords.group(places.id), undefined);
  assert.equal((await t.store.keywords.list()).filter((k) => k.groupId === places.id).length, 0);
  assert.deepEqual((await t.store.media.get(media['Tour Eiffel']!.id))!.keywordIds, [kw.masques!.id]);
  assert.deepEqual((await t.store.media.get(media['Fourvière']!.id))!.keywordIds, []);
  assert.deepEqual((await t.store.media.get(media['Deux villes']!.id))!.keywordIds, []);
  assert.deepEqual((await t.store.media.get(media['Bal masqué']!.id))!, media['Bal masqué'], 'a media without the group’s keywords is untouched');
  assert.notEqual((await t.store.media.get(media['Tour Eiffel']!.id))!.updatedAt, media['Tour Eiffel']!.updatedAt);

  assert.match((await html('/search?kw=lieux/paris').expect(200)).text, /Unknown keyword: lieux\/paris\./);
  assert.doesNotMatch((await html('/search?q=paris').expect(200)).text, /Tour Eiffel/);
  assert.equal((await request(t.app).get('/api/v1/media?kw=lieux/lyon').expect(400)).body.error.code, 'unknown_keyword');
  await html('/keywords/lieux/paris').expect(404);
  await html('/keywords/lieux/venise').expect(404);
  assert.deepEqual((await t.store.keywords.get(kw.veniseTag!.id))!.formerSlugs, [], 'no address left in the deleted group');
  // The tags group and its keywords are as they were.
  assert.match((await html('/search?kw=tags/masques').expect(200)).text, /Bal masqué/);
  assert.equal((await request(t.app).get('/api/v1/media?kw=tags/masques').expect(200)).body.total, 2);
  await html('/keywords/tags/venise').expect(200);
  await page(admin, confirmPath(places.id)).expect(404);
});
