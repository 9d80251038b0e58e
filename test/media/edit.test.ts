import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { makeApp, usersSignedIn, tempDir, type TestApp } from '../helpers/app.ts';
import { filesUnder, png, webp } from '../helpers/media.ts';

let t: TestApp;
let dir: string;
type Agent = ReturnType<typeof request.agent>;
let alice: Agent, eddie: Agent, emma: Agent;
const tokens = new Map<Agent, string>();

before(async () => {
  t = await makeApp();
  dir = await tempDir('kiosque-edit-');
  [alice, eddie, emma] = (await usersSignedIn(t, [['alice', 'admin'], ['eddie', 'editor'], ['emma', 'editor']], tokens)) as [Agent, Agent, Agent];
  await png(path.join(dir, 'a.png'), 200, 100, false);
  await webp(path.join(dir, 'b.webp'), 300, 300);
  await writeFile(path.join(dir, 'c.txt'), 'plain text\n');
  await t.store.sectors.create({ slug: 'archives', title: 'Archives', description: '', order: 1, visible: true, display: 'grid', defaultSort: 'date' });
  // The app made the tags group when it started.
  const g = (await t.store.keywordGroups.list()).find((x) => x.slug === 'tags')!;
  await t.store.keywords.create({ groupId: g.id, slug: 'masques', title: 'Masques', description: '' });
});
after(() => t.close());

async function upload(agent: Agent, file = 'a.png', fields: Record<string, string | string[]> = {}) {
  let req = agent.post('/api/v1/media').set('X-CSRF-Token', tokens.get(agent)!);
  for (const [k, v] of Object.entries(fields)) for (const one of ([] as string[]).concat(v)) req = req.field(k, one);
  const res = await req.attach('file', path.join(dir, file));
  assert.equal(res.status, 201, res.text);
  return res.body as { id: string; title: string; sectorId: string | null; keywordIds: string[]; status: string };
}

const patch = (agent: Agent, id: string, body: Record<string, unknown>) => agent.patch(`/api/v1/media/${id}`).set('X-CSRF-Token', tokens.get(agent)!).send(body);

test('API fields: sector by slug, keywords as group/keyword (a new tag is created), status', async () => {
  const m = await upload(eddie, 'a.png', { title: 'Carnaval', sector: 'archives', keywords: ['tags/masques', 'tags/Défilé'], status: 'published' });
  assert.equal(m.title, 'Carnaval');
  assert.equal(m.status, 'published');
  assert.equal((await t.store.sectors.get(m.sectorId!))?.slug, 'archives');
  const kws = await t.store.keywords.list();
  assert.deepEqual(m.keywordIds.map((id) => kws.find((k) => k.id === id)?.slug), ['masques', 'defile']);
  const bad = await eddie.post('/api/v1/media').set('X-CSRF-Token', tokens.get(eddie)!).field('sector', 'nowhere').attach('file', path.join(dir, 'a.png'));
  assert.equal(bad.status, 400);
  assert.deepEqual([bad.body.error.code, bad.body.error.field], ['sector_unknown', 'sector']);
  const badStatus = await eddie.post('/api/v1/media').set('X-CSRF-Token', tokens.get(eddie)!).field('status', 'secret').attach('file', path.join(dir, 'a.png'));
  assert.deepEqual([badStatus.status, badStatus.body.error.field], [400, 'status']);
});

test('GET /api/v1/media/:id: who may edit gets the whole record; others get no author id, file hash or processing error', async () => {
  const m = await upload(eddie, 'a.png', { title: 'Public', status: 'published' });
  await t.app.kiosque.media.idle();
  await t.store.media.update(m.id, { processing: { state: 'failed', error: 'ffmpeg failed on /srv/kiosque/data/files/x/original.mp4', attempts: 1 } });
  const own = (await eddie.get(`/api/v1/media/${m.id}`).expect(200)).body;
  assert.match(own.original.sha256, /^[0-9a-f]{64}$/);
  assert.equal(typeof own.authorId, 'string');
  assert.match(own.processing.error, /ffmpeg failed/);
  for (const [who, agent] of [['anonymous', request(t.app)], ['another editor', emma]] as const) {
    const res = await agent.get(`/api/v1/media/${m.id}`).expect(200);
    assert.equal(res.body.title, 'Public', who);
    assert.equal(res.body.processing.state, 'failed', who);
    assert.equal(res.body.original.url, own.original.url, who);
    for (const secret of ['/srv/kiosque', own.original.sha256, own.authorId]) assert.ok(!res.text.includes(secret), `${who}: ${secret}`);
  }
});

test('editors edit their own media, not others’; admins edit all', async () => {
  const m = await upload(eddie);
  const own = await patch(eddie, m.id, { title: 'Mon titre', description: 'Une description', status: 'published', licence: 'cc-by' });
  assert.equal(own.status, 200, own.text);
  assert.equal(own.body.title, 'Mon titre');
  assert.equal(own.body.slug, 'mon-titre');
  assert.ok(own.body.publishedAt);
  const other = await patch(emma, m.id, { title: 'Hijack' });
  assert.equal(other.status, 403);
  assert.equal(other.body.error.code, 'not_yours');
  const adminEdit = await patch(alice, m.id, { title: 'Par l’admin' });
  assert.equal(adminEdit.status, 200);
  const empty = await patch(eddie, m.id, { title: '' });
  assert.deepEqual([empty.status, empty.body.error.field], [400, 'title']);
  assert.equal((await t.store.media.get(m.id))?.title, 'Par l’admin');
  const noToken = await eddie.patch(`/api/v1/media/${m.id}`).send({ title: 'x' });
  assert.equal(noToken.status, 403);
  const emmaForm = await emma.get(`/admin/media/${m.id}`).set('Accept', 'text/html');
  assert.equal(emmaForm.status, 403);
});

test('the admin edit form saves fields and shows field errors', async () => {
  const m = await upload(eddie);
  const page = await eddie.get(`/admin/media/${m.id}`).set('Accept', 'text/html');
  assert.equal(page.status, 200);
  for (const id of ['edit-title', 'edit-description', 'edit-sector', 'edit-keywords', 'edit-licence', 'edit-status', 'replace-file']) assert.match(page.text, new RegExp(`<label for="${id}">`));
  const sector = (await t.store.sectors.list())[0]!;
  const save = await eddie.post(`/admin/media/${m.id}`).type('form').send({ _csrf: tokens.get(eddie), title: '<b>Titre</b>', description: 'd', sector: sector.id, keywords: '', licence: 'cc0', status: 'published' });
  assert.equal(save.status, 303);
  const stored = await t.store.media.get(m.id);
  assert.deepEqual([stored?.title, stored?.sectorId, stored?.licence, stored?.status], ['<b>Titre</b>', sector.id, 'cc0', 'published']);
  const shown = await request(t.app).get(`/media/${m.id}/${stored!.slug}`).set('Accept', 'text/html');
  assert.match(shown.text, /&lt;b&gt;Titre&lt;\/b&gt;/);
  assert.doesNotMatch(shown.text, /<b>Titre<\/b>/);
  const bad = await eddie.post(`/admin/media/${m.id}`).type('form').send({ _csrf: tokens.get(eddie), title: 'x'.repeat(201) });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /class="field-error" id="edit-title-error">At most 200 characters/);
});

test('keywords: a title finds its keyword before a look-alike slug; the edit form shows group/keyword, and saving it unchanged keeps them', async () => {
  const tags = (await t.store.keywordGroups.list()).find((g) => g.slug === 'tags')!;
  const plain = (await t.store.keywords.list()).find((k) => k.groupId === tags.id && k.slug === 'masques')!;
  const accented = await t.store.keywords.create({ groupId: tags.id, slug: 'masques-2', title: 'Masqués', description: '' });
  const m = await upload(eddie, 'a.png', { keywords: ['tags/Masqués', 'tags/MASQUES', 'tags/masques-2'] });
  assert.deepEqual(m.keywordIds, [accented.id, plain.id], 'the title, then the slug, then the exact slug (already there)');
  const page = await eddie.get(`/admin/media/${m.id}`).set('Accept', 'text/html').expect(200);
  assert.match(page.text, /<input id="edit-keywords" name="keywords" value="tags\/masques-2, tags\/masques">/);
  const save = await eddie.post(`/admin/media/${m.id}`).type('form').send({ _csrf: tokens.get(eddie), title: 'Same', keywords: 'tags/masques-2, tags/masques' });
  assert.equal(save.status, 303);
  assert.deepEqual((await t.store.media.get(m.id))!.keywordIds, [accented.id, plain.id]);
});

test('a group that allows one keyword per media refuses two, by the API and the form, and nothing changes', async () => {
  const colours = await t.store.keywordGroups.create({ slug: 'couleurs', title: 'Couleurs', multiple: false, inNavigation: false, order: 1 });
  await t.store.keywords.create({ groupId: colours.id, slug: 'rouge', title: 'Rouge', description: '' });
  await t.store.keywords.create({ groupId: colours.id, slug: 'bleu', title: 'Bleu', description: '' });
  const m = await upload(eddie, 'a.png', { keywords: 'couleurs/rouge, tags/masques' });
  const api = await patch(eddie, m.id, { keywords: 'couleurs/rouge,couleurs/bleu' });
  assert.equal(api.status, 400);
  assert.equal(api.body.error.code, 'keyword_single');
  assert.equal(api.body.error.field, 'keywords');
  assert.equal(api.body.error.message, 'Only one keyword of the group “Couleurs” per media (here: Rouge, Bleu).');
  const form = await eddie.post(`/admin/media/${m.id}?lang=fr`).type('form').send({ _csrf: tokens.get(eddie), title: 'x', keywords: 'couleurs/bleu, couleurs/rouge' });
  assert.equal(form.status, 400);
  assert.match(form.text, /Un seul mot-clé du groupe «\u00a0Couleurs\u00a0» par média \(ici\u00a0: Rouge, Bleu\)\./);
  assert.deepEqual((await t.store.media.get(m.id))!.keywordIds, m.keywordIds);
  assert.equal((await patch(eddie, m.id, { keywords: 'couleurs/bleu' })).status, 200, 'one is fine');
  await eddie.get('/?lang=en');
});

test('the licence comes from the site’s list, by the API and the form; a licence from before the list may stay', async () => {
  const m = await upload(eddie, 'a.png', { title: 'Licenced' });
  const api = await patch(eddie, m.id, { licence: 'nonsense-licence' });
  assert.equal(api.status, 400);
  assert.deepEqual([api.body.error.code, api.body.error.field], ['licence_unknown', 'licence']);
  const form = await eddie.post(`/admin/media/${m.id}`).type('form').send({ _csrf: tokens.get(eddie), title: 'Licenced', licence: '<b>mine</b>' });
  assert.equal(form.status, 400);
  assert.match(form.text, /Choose a licence from the list \(“&lt;b&gt;mine&lt;\/b&gt;” is not one\)\./);
  assert.notEqual((await t.store.media.get(m.id))!.licence, '<b>mine</b>');
  assert.equal((await patch(eddie, m.id, { licence: 'cc-by-sa' })).status, 200);
  const page = await eddie.get(`/admin/media/${m.id}`).set('Accept', 'text/html').expect(200);
  assert.match(page.text, /<select id="edit-licence" name="licence">/);
  assert.match(page.text, /<option value="cc-by-sa" selected>Creative Commons Attribution-ShareAlike \(CC BY-SA\)<\/option>/);
  // An older free-text licence is offered as it is, and saving the form unchanged keeps it.
  await t.store.media.update(m.id, { licence: 'Licence maison' });
  const legacy = await eddie.get(`/admin/media/${m.id}`).set('Accept', 'text/html').expect(200);
  assert.match(legacy.text, /<option value="Licence maison" selected>Licence maison<\/option>/);
  assert.equal((await eddie.post(`/admin/media/${m.id}`).type('form').send({ _csrf: tokens.get(eddie), title: 'Renamed', licence: 'Licence maison' })).status, 303);
  const stored = (await t.store.media.get(m.id))!;
  assert.deepEqual([stored.title, stored.licence], ['Renamed', 'Licence maison']);
});

test('the edit form shows every problem at once beside its field, keeps what was typed and stores nothing, in English and French', async () => {
  const m = await upload(eddie, 'a.png', { title: 'Avant', keywords: 'tags/masques' });
  const page = await eddie.get(`/admin/media/${m.id}`).set('Accept', 'text/html').expect(200);
  // The browser holds the same limits as the server.
  assert.match(page.text, /<input id="edit-title" name="title" value="Avant" required maxlength="200">/);
  assert.match(page.text, /<textarea id="edit-description" name="description" rows="6" maxlength="10000">/);
  const stored = JSON.stringify(await t.store.media.get(m.id));
  const keywordCount = (await t.store.keywords.list()).length;
  const typed = { _csrf: tokens.get(eddie), title: `<i>${'t'.repeat(198)}`, description: 'd'.repeat(70_000), sector: 'nowhere', keywords: 'tags/Tout nouveau, genre/inconnu', licence: 'bogus', status: 'secret' };
  const en = await eddie.post(`/admin/media/${m.id}`).type('form').send(typed);
  assert.equal(en.status, 400);
  assert.match(en.text, /<p class="error" role="alert">Some fields need correcting \(6\)\. Nothing was saved\.<\/p>/);
  const shown: Array<[string, string, RegExp]> = [
    ['title', 'input', /At most 200 characters\./],
    ['description', 'textarea', /At most 10,000 characters\./],
    ['sector', 'select', /There is no sector “nowhere”\./],
    ['keywords', 'input', /There is no keyword “genre\/inconnu”\./],
    ['licence', 'select', /Choose a licence from the list \(“bogus” is not one\)\./],
    ['status', 'select', /The status is draft or published\./],
  ];
  for (const [field, tag, message] of shown) {
    assert.match(en.text, new RegExp(`<${tag} id="edit-${field}" [^>]*aria-invalid="true" aria-describedby="edit-${field}-error"`), field);
    const error = new RegExp(`<p class="field-error" id="edit-${field}-error">([^<]*)</p>`).exec(en.text);
    assert.match(error?.[1] ?? '', message, field);
  }
  // What was typed comes back, escaped.
  assert.match(en.text, new RegExp(`<input id="edit-title" name="title" value="&lt;i&gt;${'t'.repeat(198)}"`));
  assert.ok(en.text.includes(`aria-describedby="edit-description-error">${'d'.repeat(70_000)}</textarea>`));
  assert.match(en.text, /name="keywords" value="tags\/Tout nouveau, genre\/inconnu"/);
  assert.match(en.text, /<option value="bogus" selected>bogus<\/option>/);
  // Nothing stored: the media as it was, and the new tag the form named was not created.
  assert.equal(JSON.stringify(await t.store.media.get(m.id)), stored);
  assert.equal((await t.store.keywords.list()).length, keywordCount);
  assert.equal((await t.store.keywords.list()).some((k) => k.title === 'Tout nouveau'), false);

  const fr = await eddie.post(`/admin/media/${m.id}?lang=fr`).type('form').send({ ...typed, title: '', keywords: 'tags/masques', status: 'draft' });
  await eddie.get('/?lang=en');
  assert.equal(fr.status, 400);
  assert.match(fr.text, /Certains champs sont à corriger \(4\)\. Rien n’a été enregistré\./);
  assert.match(fr.text, /id="edit-title-error">Ce champ est obligatoire\.</);
  assert.match(fr.text, /id="edit-description-error">Au plus 10\u202f000 caractères\.</);
  assert.match(fr.text, /id="edit-sector-error">Il n’y a pas de secteur «\u00a0nowhere\u00a0»\.</);
  assert.match(fr.text, /id="edit-licence-error">Choisissez une licence dans la liste \(«\u00a0bogus\u00a0» n’en fait pas partie\)\.</);
  assert.doesNotMatch(fr.text, /id="edit-keywords"[^>]*aria-invalid/);
  assert.equal(JSON.stringify(await t.store.media.get(m.id)), stored);
});

test('the API refuses several bad fields with the first as `error` and all of them in `errors`, and stores nothing', async () => {
  const m = await upload(eddie, 'a.png', { title: 'Intact' });
  const stored = JSON.stringify(await t.store.media.get(m.id));
  const keywordCount = (await t.store.keywords.list()).length;
  const res = await patch(eddie, m.id, { title: 'x'.repeat(201), description: 'd'.repeat(70_000), licence: 'bogus', keywords: ['tags/Encore nouveau'] });
  assert.equal(res.status, 400);
  assert.deepEqual(res.body.error, { code: 'field_too_long', message: 'At most 200 characters.', field: 'title' });
  assert.deepEqual(
    res.body.errors.map((e: { code: string; field: string }) => [e.field, e.code]),
    [['title', 'field_too_long'], ['description', 'field_too_long'], ['licence', 'licence_unknown']],
  );
  assert.equal(res.body.errors[2].message, 'Choose a licence from the list (“bogus” is not one).');
  assert.equal(JSON.stringify(await t.store.media.get(m.id)), stored);
  assert.equal((await t.store.keywords.list()).length, keywordCount, 'the new tag waits for the other fields');
  const fr = await eddie.patch(`/api/v1/media/${m.id}?lang=fr`).set('X-CSRF-Token', tokens.get(eddie)!).send({ title: '', status: 'secret' });
  await eddie.get('/?lang=en');
  assert.equal(fr.status, 400);
  assert.deepEqual(fr.body.error, { code: 'field_required', message: 'Ce champ est obligatoire.', field: 'title' });
  assert.deepEqual(fr.body.errors.map((e: { field: string }) => e.field), ['title', 'status']);
  // One problem: the same shape, `errors` holding that one.
  const one = await patch(eddie, m.id, { licence: 'bogus' });
  assert.deepEqual([one.status, one.body.errors], [400, [one.body.error]]);
  // An upload with bad fields creates neither the media nor its new tag.
  const count = await t.store.media.count();
  const created = await eddie.post('/api/v1/media').set('X-CSRF-Token', tokens.get(eddie)!).field('keywords', 'tags/Encore nouveau').field('sector', 'nowhere').field('status', 'secret').attach('file', path.join(dir, 'a.png'));
  assert.equal(created.status, 400);
  assert.deepEqual(created.body.errors.map((e: { field: string }) => e.field), ['status', 'sector']);
  assert.equal(await t.store.media.count(), count);
  assert.equal((await t.store.keywords.list()).length, keywordCount);
  // Once every field is right, the new tag is created and carried.
  const ok = await patch(eddie, m.id, { keywords: ['tags/Encore nouveau', 'tags/encore nouveau'] });
  assert.equal(ok.status, 200, ok.text);
  const tag = (await t.store.keywords.list()).find((k) => k.title === 'Encore nouveau');
  assert.ok(tag);
  assert.deepEqual(ok.body.keywordIds, [tag.id], 'named twice, created once');
});

test('replacing the file swaps files and derivatives and removes the old ones', async () => {
  const m = await upload(eddie);
  const before = await t.store.media.get(m.id);
  const oldFolder = path.join(t.dataDir, 'files', path.dirname(before!.original.file));
  const res = await eddie.patch(`/api/v1/media/${m.id}`).set('X-CSRF-Token', tokens.get(eddie)!).field('title', 'Remplacé').attach('file', path.join(dir, 'b.webp'));
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.original.mime, 'image/webp');
  assert.equal(res.body.title, 'Remplacé');
  assert.equal(existsSync(oldFolder), false);
  const form = await eddie.post(`/admin/media/${m.id}/replace`).field('_csrf', tokens.get(eddie)!).attach('file', path.join(dir, 'c.txt'));
  assert.equal(form.status, 303);
  const after = await t.store.media.get(m.id);
  assert.equal(after?.type, 'document');
  assert.deepEqual(after?.variants, {});
  const refused = await eddie.post(`/admin/media/${m.id}/replace`).field('_csrf', tokens.get(eddie)!).attach('file', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'x.svg');
  assert.equal(refused.status, 415);
  assert.match(refused.text, /SVG images are not accepted/);
  assert.deepEqual(await t.store.media.get(m.id), after);
});

test('delete removes the record, the files and the derivatives', async () => {
  const m = await upload(eddie);
  const folder = path.join(t.dataDir, 'files', path.dirname((await t.store.media.get(m.id))!.original.file));
  assert.ok((await filesUnder(folder)).length >= 7);
  assert.equal((await emma.delete(`/api/v1/media/${m.id}`).set('X-CSRF-Token', tokens.get(emma)!)).status, 403);
  assert.equal((await eddie.delete(`/api/v1/media/${m.id}`).set('X-CSRF-Token', tokens.get(eddie)!)).status, 204);
  assert.equal(await t.store.media.get(m.id), undefined);
  assert.equal(existsSync(folder), false);
  assert.equal((await request(t.app).get(`/files/${m.id}/original`)).status, 404);
  // The edit page's button asks first, listing what will go; only the confirmation deletes.
  const m3 = await upload(eddie);
  const editPage = await eddie.get(`/admin/media/${m3.id}`).set('Accept', 'text/html').expect(200);
  const form3 = /<form method="post" action="(\/admin\/media\/bulk)" class="inline">([\s\S]*?)<\/form>/.exec(editPage.text);
  assert.ok(form3, 'the delete form goes through the confirmation');
  const fields = Object.fromEntries([...form3[2]!.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map((f) => [f[1], f[2]]));
  assert.deepEqual({ action: fields.action, ids: fields.ids }, { action: 'delete', ids: m3.id });
  const ask = await eddie.post('/admin/media/bulk').type('form').send(fields).expect(200);
  assert.match(ask.text, new RegExp(`<li data-media="${m3.id}">`));
  assert.ok(await t.store.media.get(m3.id), 'nothing deleted before the confirmation');
  const confirm = await eddie.post('/admin/media/bulk').type('form').send({ ...fields, confirm: 'yes' });
  assert.equal(confirm.status, 303);
  assert.equal(await t.store.media.get(m3.id), undefined);
  const m2 = await upload(eddie);
  const form = await alice.post(`/admin/media/${m2.id}/delete`).type('form').send({ _csrf: tokens.get(alice) });
  assert.equal(form.status, 303);
  assert.equal(await t.store.media.get(m2.id), undefined);
});

test('hooks: media.accept may refuse with a message; media.variants shapes derivatives; created/updated/deleted fire', async () => {
  const hooks = t.app.kiosque.hooks;
  const events: string[] = [];
  const undo = [
    hooks.filter('media.accept', (d, info) => ((info as { type: string }).type === 'document' ? { accept: false, message: 'no documents here' } : d), { owner: 'test' }),
    hooks.filter('media.variants', (specs) => [...(specs as Array<{ name: string; box: number }>).filter((s) => s.name !== 'large'), { name: 'square', box: 64 }], { owner: 'test' }),
    hooks.action('media.created', (m) => void events.push(`created:${(m as { id: string }).id}`), { owner: 'test' }),
    hooks.action('media.updated', (m) => void events.push(`updated:${(m as { id: string }).id}`), { owner: 'test' }),
    hooks.action('media.deleted', (m) => void events.push(`deleted:${(m as { id: string }).id}`), { owner: 'test' }),
  ];
  try {
    const count = await t.store.media.count();
    const refused = await eddie.post('/api/v1/media').set('X-CSRF-Token', tokens.get(eddie)!).attach('file', path.join(dir, 'c.txt'));
    assert.equal(refused.status, 422);
    assert.match(refused.body.error.message, /no documents here/);
    assert.equal(await t.store.media.count(), count);
    const m = await upload(eddie, 'b.webp');
    const stored = await t.store.media.get(m.id);
    assert.deepEqual(Object.keys(stored!.variants).sort(), ['medium', 'medium.webp', 'square', 'square.webp', 'thumb', 'thumb.webp']);
    assert.equal(stored!.variants.square?.width, 64);
    await patch(eddie, m.id, { title: 'x' });
    await eddie.delete(`/api/v1/media/${m.id}`).set('X-CSRF-Token', tokens.get(eddie)!);
    assert.deepEqual(events, [`created:${m.id}`, `updated:${m.id}`, `deleted:${m.id}`]);
  } finally {
    for (const u of undo) u();
  }
});
