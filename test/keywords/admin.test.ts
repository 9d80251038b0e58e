import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, type TestApp } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';
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
  assert.match(badMerge.text, /No keyword has the address “tags\/none”: expected group\/keyword as in the keyword’s address, for example “tags\/[^”]+”\./);
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
  const moyenAge = await t.app.kiosque.keywords.create(g.id, 'Moyen Âge');
  // The navigation names keywords that published media carry.
  t.app.kiosque.search.upsert(await t.store.media.create(mediaRecord({ slug: 'chateau', title: 'Château fort', keywordIds: [moyenAge.id] })));
  const skeletonGroups = async () => ((await t.store.settings.get<Record<string, unknown>>('skeleton'))?.navigationKeywordGroups ?? []) as string[];
  const nav = async () => (await request(t.app).get('/').set('Accept', 'text/html').expect(200)).text;
  const box = async () => new RegExp(`id="group-nav-${g.id}" name="inNavigation" checked`).test((await page(admin).expect(200)).text);
  assert.equal(await box(), false);
  // Ticked on the keywords page: the public navigation shows the group, and the skeleton page lists it.
  let token = await tokenOf(admin, '/admin/keywords');
  await admin.post(`/admin/keywords/groups/${g.id}`).type('form').send({ _csrf: token, title: 'Époques', multiple: 'on', inNavigation: 'on' }).expect(303);
  assert.match(await nav(), /class="nav-group-title"[^>]*>Époques</);
  assert.ok((await skeletonGroups()).includes('epoques'));
  assert.match((await page(admin, '/admin/config/skeleton').expect(200)).text, /name="navigationKeywordGroups" value="epoques" checked/);
  assert.equal(await box(), true);
  // Taken off on the skeleton page: the keywords page's box follows.
  const skeleton = (await t.store.settings.get<Record<string, unknown>>('skeleton')) ?? {};
  await t.store.settings.set('skeleton', { ...skeleton, navigationKeywordGroups: [] });
  assert.equal(await box(), false);
  assert.doesNotMatch(await nav(), /nav-group-title"[^>]*>Époques</);
  // Unticked on the keywords page: gone again.
  await t.store.settings.set('skeleton', { ...skeleton, navigationKeywordGroups: ['epoques'] });
  token = await tokenOf(admin, '/admin/keywords');
  await admin.post(`/admin/keywords/groups/${g.id}`).type('form').send({ _csrf: token, title: 'Époques', multiple: 'on' }).expect(303);
  assert.ok(!(await skeletonGroups()).includes('epoques'));
});

/** The row of the keyword at `ref` in the page, from its <tr> to its </tr>. */
function rowOf(html: string, ref: string): string {
  const start = html.indexOf(`<tr data-keyword="${ref}">`);
  assert.ok(start >= 0, `no row for ${ref}`);
  return html.slice(start, html.indexOf('</tr>', start));
}

test('a refused rename is shown in its row, with the title as typed and a summary linking to it; 400, nothing changed, in English and French', async () => {
  const kws = t.app.kiosque.keywords;
  const seasons = await kws.createGroup({ title: 'Saisons', multiple: true });
  const summer = await kws.create(seasons.id, 'Été 2026');
  const winter = await kws.create(seasons.id, 'Hiver');
  const before = JSON.stringify(await t.store.keywords.list());
  const token = await tokenOf(admin, '/admin/keywords');

  const en = await admin.post(`/admin/keywords/${summer.id}/rename`).type('form').set('Accept', 'text/html').send({ _csrf: token, title: `<b>${'x'.repeat(100)}` }).expect(400);
  const taken = await admin.post(`/admin/keywords/${summer.id}/rename`).type('form').set('Accept', 'text/html').send({ _csrf: token, title: 'HIVER' }).expect(400);
  for (const [res, typed] of [[en, `&lt;b&gt;${'x'.repeat(100)}`], [taken, 'HIVER']] as const) {
    // The summary at the top names the row and links to its field.
    assert.match(res.text, new RegExp(`<p class="error" role="alert"><a href="#rename-${summer.id}">1 problem: see the keyword “Été 2026”\\.</a></p>`));
    const row = rowOf(res.text, 'saisons/ete-2026');
    assert.match(row, new RegExp(`<input id="rename-${summer.id}" name="title" value="${typed}" required maxlength="100" aria-invalid="true" aria-describedby="rename-${summer.id}-error">`));
    assert.doesNotMatch(row, new RegExp(`id="merge-${summer.id}"[^>]*aria-invalid`), 'the merge field is not the one refused');
    // The other rows are as stored.
    assert.match(rowOf(res.text, 'saisons/hiver'), new RegExp(`<input id="rename-${winter.id}" name="title" value="Hiver" required maxlength="100">`));
  }
  assert.match(rowOf(en.text, 'saisons/ete-2026'), new RegExp(`<p class="field-error" id="rename-${summer.id}-error">A title has at most 100 characters\\.</p>`));
  assert.match(rowOf(taken.text, 'saisons/ete-2026'), new RegExp(`<p class="field-error" id="rename-${summer.id}-error">This group already has the keyword “Hiver”\\.</p>`));
  assert.equal(JSON.stringify(await t.store.keywords.list()), before);

  const fr = await admin.post(`/admin/keywords/${summer.id}/rename?lang=fr`).type('form').set('Accept', 'text/html').send({ _csrf: token, title: '  ' }).expect(400);
  await page(admin, '/admin/keywords?lang=en');
  assert.match(fr.text, new RegExp(`<a href="#rename-${summer.id}">1 problème\u00a0: voir le mot-clé «\u00a0Été 2026\u00a0»\\.</a>`));
  assert.match(rowOf(fr.text, 'saisons/ete-2026'), new RegExp(`id="rename-${summer.id}-error">Donnez un titre au mot-clé\\.</p>`));
  assert.equal(JSON.stringify(await t.store.keywords.list()), before);
});

test('a refused merge is shown in its row, with the target as typed and what was expected; 400, nothing merged, in English and French', async () => {
  const kws = t.app.kiosque.keywords;
  const climates = await kws.createGroup({ title: 'Climats', multiple: true });
  const summer = await kws.create(climates.id, 'Été 2026');
  await kws.create(climates.id, 'Hiver');
  const m = await t.store.media.create(mediaInput({ keywordIds: [summer.id] }));
  t.app.kiosque.search.upsert(m);
  const keywordsBefore = JSON.stringify(await t.store.keywords.list());
  const mediaBefore = JSON.stringify(await t.store.media.get(m.id));
  const token = await tokenOf(admin, '/admin/keywords');
  const merge = (target: string, query = '') => admin.post(`/admin/keywords/${summer.id}/merge${query}`).type('form').set('Accept', 'text/html').send({ _csrf: token, target }).expect(400);
  const cases: Array<[string, RegExp]> = [
    // A title where the address was expected: the example is that keyword's address.
    ['climats/Hiver', /No keyword has the address “climats\/Hiver”: expected group\/keyword as in the keyword’s address, for example “climats\/hiver”\./],
    ['nulle/part', /There is no keyword group “nulle” \(you typed “nulle\/part”\): expected group\/keyword, the group being one of: tags, [^<]*climats[^<]*\./],
    // No group: the example comes from the keyword's own group, by the title typed.
    ['HIVER', /“HIVER” is not a keyword’s address: expected group\/keyword, for example “climats\/hiver”\./],
    ['climats/ete-2026', /Choose another keyword to merge into\./],
    // Sent empty (the browser asks for a value first).
    ['', /Type the keyword to merge into as group\/keyword, for example “climats\/hiver”\./],
  ];
  for (const [typed, message] of cases) {
    const res = await merge(typed);
    assert.match(res.text, new RegExp(`<a href="#merge-${summer.id}">1 problem: see the keyword “Été 2026”\\.</a>`), typed);
    const row = rowOf(res.text, 'climats/ete-2026');
    assert.match(row, new RegExp(`<input id="merge-${summer.id}" name="target" value="${typed.replace('/', '\\/')}" placeholder="tags/…" required data-autocomplete="/api/v1/keywords" aria-invalid="true" aria-describedby="merge-${summer.id}-error">`), typed);
    const error = new RegExp(`<p class="field-error" id="merge-${summer.id}-error">([^<]*)</p>`).exec(row);
    assert.match(error?.[1] ?? '', message, typed);
    // The rename field keeps the stored title.
    assert.match(row, new RegExp(`id="rename-${summer.id}" name="title" value="Été 2026" required maxlength="100">`), typed);
  }
  const fr = await merge('nulle/part', '?lang=fr');
  await page(admin, '/admin/keywords?lang=en');
  assert.match(rowOf(fr.text, 'climats/ete-2026'), /Il n’y a pas de groupe de mots-clés «\u00a0nulle\u00a0» \(vous avez tapé «\u00a0nulle\/part\u00a0»\)\u00a0: attendu groupe\/mot-clé, le groupe étant l’un de\u00a0: tags, /);
  assert.match(fr.text, /1 problème\u00a0: voir le mot-clé «\u00a0Été 2026\u00a0»\./);
  assert.equal(JSON.stringify(await t.store.keywords.list()), keywordsBefore);
  assert.equal(JSON.stringify(await t.store.media.get(m.id)), mediaBefore);
  // A keyword that does not exist has no row to show a problem in: 404, whatever the target.
  await admin.post('/admin/keywords/999999/merge').type('form').set('Accept', 'text/html').send({ _csrf: token, target: 'nulle/part' }).expect(404);
});

test('a refused group rename is shown in the group’s row, with its options as typed; 400 and nothing changed', async () => {
  const moods = await t.app.kiosque.keywords.createGroup({ title: 'Humeurs', multiple: true });
  const before = JSON.stringify(await t.store.keywordGroups.list());
  const token = await tokenOf(admin, '/admin/keywords');
  const res = await admin.post(`/admin/keywords/groups/${moods.id}`).type('form').set('Accept', 'text/html').send({ _csrf: token, title: 'TAGS', inNavigation: 'on' }).expect(400);
  assert.match(res.text, new RegExp(`<a href="#group-title-${moods.id}">1 problem: see the group “Humeurs”\\.</a>`));
  assert.match(res.text, new RegExp(`<input id="group-title-${moods.id}" name="title" value="TAGS" required maxlength="100" aria-invalid="true" aria-describedby="group-title-${moods.id}-error">`));
  assert.match(res.text, new RegExp(`<p class="field-error" id="group-title-${moods.id}-error">A group named “TAGS” already exists\\.</p>`));
  assert.match(res.text, new RegExp(`<input type="checkbox" id="group-multiple-${moods.id}" name="multiple">`), 'unticked, as sent');
  assert.match(res.text, new RegExp(`<input type="checkbox" id="group-nav-${moods.id}" name="inNavigation" checked>`), 'ticked, as sent');
  assert.equal(JSON.stringify(await t.store.keywordGroups.list()), before);
});

test('a refused form’s address, opened by its language link or a reload, leads back to the list on the page and filter it carried', async () => {
  const tags = await groupId('tags');
  const token = await tokenOf(admin, '/admin/keywords');
  await admin.post('/admin/keywords').type('form').send({ _csrf: token, group: tags, title: 'Retour' }).expect(303);
  const kw = (await t.app.kiosque.keywords.list()).find((k) => k.title === 'Retour')!;
  const refused = await admin.post(`/admin/keywords/${kw.id}/rename?group=tags&q=ret`).type('form').set('Accept', 'text/html').send({ _csrf: token, title: '' });
  assert.equal(refused.status, 400);
  assert.match(refused.text, new RegExp(`<a href="/admin/keywords/${kw.id}/rename\\?group&#x3D;tags&amp;q&#x3D;ret&amp;lang&#x3D;fr" hreflang="fr"`), 'the language link names the form’s address');
  for (const path of [`/admin/keywords/${kw.id}/rename`, `/admin/keywords/${kw.id}/merge`, '/admin/keywords/groups', `/admin/keywords/groups/${tags}`]) {
    const res = await page(admin, `${path}?group=tags&q=ret&lang=en`);
    assert.equal(res.status, 303, path);
    assert.equal(res.headers.location, '/admin/keywords?group=tags&q=ret&lang=en', path);
  }
  // The confirmation pages keep their own address.
  await page(admin, `/admin/keywords/${kw.id}/delete`).expect(200);
});
