import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, type TestApp } from '../helpers/app.ts';
import { mediaInput } from '../search/fixtures.ts';

let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;
let editor: Awaited<ReturnType<typeof signIn>>;

before(async () => {
  t = await makeApp();
  await addUser(t, 'alice', 'admin');
  await addUser(t, 'eddie', 'editor');
  await addUser(t, 'mia', 'member');
  admin = await signIn(t, 'alice');
  editor = await signIn(t, 'eddie');
});
after(() => t.close());

const page = (agent: typeof admin, path = '/admin/keywords') => agent.get(path).set('Accept', 'text/html');
const groupId = async (slug: string) => (await t.app.kiosque.keywords.group(slug))!.id;

test('the page lists groups with labelled fields and CSRF tokens; members and visitors are kept out', async () => {
  const res = await page(admin).expect(200);
  assert.match(res.text, /<label for="kw-title">Title<\/label>/);
  assert.match(res.text, /<label for="kw-group">Group<\/label>/);
  assert.match(res.text, /<label for="group-title">Group title<\/label>/);
  assert.match(res.text, /name="_csrf" value="[^"]{10,}"/);
  assert.match(res.text, /data-group="tags"/);
  await request(t.app).get('/admin/keywords').set('Accept', 'text/html').expect(302);
  const member = await signIn(t, 'mia');
  await page(member).expect(403);
});

test('creating a keyword needs the CSRF token; duplicates get a per-field error in the user language', async () => {
  const tags = await groupId('tags');
  await admin.post('/admin/keywords').type('form').send({ group: tags, title: 'Masques' }).expect(403);
  const token = await tokenOf(admin, '/admin/keywords');
  await admin.post('/admin/keywords').type('form').send({ _csrf: token, group: tags, title: 'Masques' }).expect(303);
  const dup = await admin.post('/admin/keywords').type('form').send({ _csrf: token, group: tags, title: 'MASQUES' }).expect(400);
  assert.match(dup.text, /This group already has the keyword “Masques”\./);
  assert.match(dup.text, /value="MASQUES"/, 'what was typed is kept');
  const fr = await admin.post('/admin/keywords?lang=fr').type('form').send({ _csrf: token, group: tags, title: '' }).expect(400);
  assert.match(fr.text, /Donnez un titre au mot-clé\./);
});

test('editors may create tags only, and see no rename/merge/delete or group forms', async () => {
  const token = await tokenOf(editor, '/admin/keywords');
  await editor.post('/admin/keywords').type('form').send({ _csrf: token, group: await groupId('tags'), title: 'Lumière' }).expect(303);
  const g = await t.app.kiosque.keywords.createGroup({ title: 'Genre' });
  const refused = await editor.post('/admin/keywords').type('form').send({ _csrf: token, group: g.id, title: 'Documentaire' }).expect(403);
  assert.match(refused.text, /Editors may create keywords in the Tags group only\./);
  const res = await page(editor).expect(200);
  assert.doesNotMatch(res.text, /action="\/admin\/keywords\/groups"/);
  assert.doesNotMatch(res.text, /\/rename"/);
  const k = (await t.app.kiosque.keywords.list()).find((x) => x.title === 'Lumière')!;
  await editor.post(`/admin/keywords/${k.id}/delete`).type('form').send({ _csrf: token }).expect(403);
  await editor.post('/admin/keywords/groups').type('form').send({ _csrf: token, title: 'Lieux' }).expect(403);
});

test('delete shows the media count first, then detaches; rename and merge through the forms', async () => {
  const kws = t.app.kiosque.keywords;
  const tags = await groupId('tags');
  const a = await kws.create(tags, 'Nuit');
  const b = await kws.create(tags, 'Soir');
  const m1 = await t.store.media.create(mediaInput({ keywordIds: [a.id] }));
  const m2 = await t.store.media.create(mediaInput({ keywordIds: [a.id, b.id] }));
  t.app.kiosque.search.upsert(m1);
  t.app.kiosque.search.upsert(m2);
  const confirm = await page(admin, `/admin/keywords/${a.id}/delete?lang=en`).expect(200);
  assert.match(confirm.text, /This keyword is attached to 2 media\./);
  const token = await tokenOf(admin, '/admin/keywords');
  await admin.post(`/admin/keywords/${b.id}/rename`).type('form').send({ _csrf: token, title: 'Crépuscule' }).expect(303);
  assert.equal((await kws.get(b.id))!.title, 'Crépuscule');
  const badMerge = await admin.post(`/admin/keywords/${b.id}/merge`).type('form').send({ _csrf: token, target: 'tags/none' }).expect(400);
  assert.match(badMerge.text, /This keyword does not exist\./);
  await admin.post(`/admin/keywords/${b.id}/merge`).type('form').send({ _csrf: token, target: 'tags/nuit' }).expect(303);
  assert.deepEqual((await t.store.media.get(m2.id))!.keywordIds, [a.id]);
  await admin.post(`/admin/keywords/${a.id}/delete`).type('form').send({ _csrf: token }).expect(303);
  assert.deepEqual((await t.store.media.get(m1.id))!.keywordIds, []);
  assert.deepEqual((await t.store.media.get(m2.id))!.keywordIds, []);
  await admin.post(`/admin/keywords/${a.id}/delete`).type('form').send({ _csrf: token }).set('Accept', 'text/html').expect(404);
});

test('group options are saved from the form', async () => {
  const g = await t.app.kiosque.keywords.createGroup({ title: 'Lieux', multiple: true });
  const token = await tokenOf(admin, '/admin/keywords');
  await admin.post(`/admin/keywords/groups/${g.id}`).type('form').send({ _csrf: token, title: 'Lieux', inNavigation: 'on' }).expect(303);
  const saved = (await t.app.kiosque.keywords.group(g.id))!;
  assert.equal(saved.multiple, false);
  assert.equal(saved.inNavigation, true);
});

test('"Show in navigation" on the keywords page and the skeleton page\'s navigation groups are one setting', async () => {
  const g = await t.app.kiosque.keywords.createGroup({ title: 'Époques', multiple: true });
  await t.app.kiosque.keywords.create(g.id, 'Moyen Âge');
  const skeletonGroups = async () => ((await t.store.settings.get<Record<string, unknown>>('skeleton'))?.navigationKeywordGroups ?? []) as string[];
  const nav = async () => (await request(t.app).get('/').set('Accept', 'text/html').expect(200)).text;
  const box = async () => new RegExp(`id="group-nav-${g.id}" name="inNavigation" checked`).test((await page(admin).expect(200)).text);
  assert.equal(await box(), false);
  // Ticked on the keywords page: the public navigation shows the group, and the skeleton page lists it.
  let token = await tokenOf(admin, '/admin/keywords');
  await admin.post(`/admin/keywords/groups/${g.id}`).type('form').send({ _csrf: token, title: 'Époques', multiple: 'on', inNavigation: 'on' }).expect(303);
  assert.match(await nav(), /class="nav-group-title">Époques</);
  assert.ok((await skeletonGroups()).includes('epoques'));
  assert.match((await page(admin, '/admin/config/skeleton').expect(200)).text, /name="navigationKeywordGroups" value="epoques" checked/);
  assert.equal(await box(), true);
  // Taken off on the skeleton page: the keywords page's box follows.
  const skeleton = (await t.store.settings.get<Record<string, unknown>>('skeleton')) ?? {};
  await t.store.settings.set('skeleton', { ...skeleton, navigationKeywordGroups: [] });
  assert.equal(await box(), false);
  assert.doesNotMatch(await nav(), /nav-group-title">Époques</);
  // Unticked on the keywords page: gone again.
  await t.store.settings.set('skeleton', { ...skeleton, navigationKeywordGroups: ['epoques'] });
  token = await tokenOf(admin, '/admin/keywords');
  await admin.post(`/admin/keywords/groups/${g.id}`).type('form').send({ _csrf: token, title: 'Époques', multiple: 'on' }).expect(303);
  assert.ok(!(await skeletonGroups()).includes('epoques'));
});
