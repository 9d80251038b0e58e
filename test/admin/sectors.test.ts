import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, type TestApp } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';

let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;
before(async () => {
  t = await makeApp();
  await addUser(t, 'ada', 'admin');
  await addUser(t, 'ed', 'editor');
  admin = await signIn(t, 'ada');
});
after(() => t.close());

const html = { Accept: 'text/html' };

async function create(fields: Record<string, string>) {
  const token = await tokenOf(admin, '/admin/config/sectors');
  return admin.post('/admin/config/sectors').type('form').set(html).send({ _csrf: token, visible: 'on', display: 'grid', defaultSort: 'date', ...fields });
}

test('creating a sector gives it a page and a place in the navigation', async () => {
  const res = await create({ title: 'Archives sonores' });
  assert.equal(res.status, 303);
  const sector = (await t.store.sectors.list()).find((s) => s.title === 'Archives sonores');
  assert.ok(sector);
  assert.equal(sector.slug, 'archives-sonores');
  const page = await request(t.app).get('/sectors/archives-sonores').set(html).expect(200);
  assert.match(page.text, /<h1>Archives sonores<\/h1>/);
  const home = await request(t.app).get('/').set(html).expect(200);
  assert.match(home.text, /<a href="\/sectors\/archives-sonores">Archives sonores<\/a>/);
});

test('slugs are generated unique and accent-folded; a taken slug typed by hand is refused', async () => {
  await create({ title: 'Été' });
  await create({ title: 'Ete' });
  const slugs = (await t.store.sectors.list()).map((s) => s.slug);
  assert.ok(slugs.includes('ete'));
  assert.ok(slugs.includes('ete-2'));
  const before = (await t.store.sectors.list()).length;
  const res = await create({ title: 'Other', slug: 'ete' });
  assert.equal(res.status, 400);
  assert.match(res.text, /Another sector already uses this URL name/);
  assert.match(res.text, /value="Other"/, 'the input is kept');
  assert.equal((await t.store.sectors.list()).length, before);
});

test('invalid input is re-shown with messages, in French too, and nothing is saved', async () => {
  const before = JSON.stringify(await t.store.sectors.list());
  const empty = await create({ title: '   ' });
  assert.equal(empty.status, 400);
  assert.match(empty.text, /Give the sector a title/);
  const badSlug = await create({ title: 'X', slug: 'Not A Slug!' });
  assert.equal(badSlug.status, 400);
  assert.match(badSlug.text, /URL name takes lower-case letters/);
  const badDisplay = await create({ title: 'X', display: 'carousel' });
  assert.equal(badDisplay.status, 400);
  const token = await tokenOf(admin, '/admin/config/sectors');
  const fr = await admin.post('/admin/config/sectors?lang=fr').type('form').set(html).send({ _csrf: token, title: '' });
  assert.equal(fr.status, 400);
  assert.match(fr.text, /Donnez un titre au secteur/);
  await admin.get('/?lang=en').set(html);
  assert.equal(JSON.stringify(await t.store.sectors.list()), before);
});

test('editing renames, re-slugs and hides; a hidden sector leaves the navigation and 404s for visitors', async () => {
  await create({ title: 'Temporary' });
  const sector = (await t.store.sectors.list()).find((s) => s.title === 'Temporary')!;
  const token = await tokenOf(admin, `/admin/config/sectors/${sector.id}`);
  const res = await admin.post(`/admin/config/sectors/${sector.id}`).type('form').set(html).send({ _csrf: token, title: 'Renamed', slug: 'renamed', display: 'list', defaultSort: 'title' });
  assert.equal(res.status, 303);
  const updated = (await t.store.sectors.get(sector.id))!;
  assert.equal(updated.title, 'Renamed');
  assert.equal(updated.visible, false);
  assert.equal(updated.display, 'list');
  await request(t.app).get('/sectors/renamed').set(html).expect(404);
  await admin.get('/sectors/renamed').set(html).expect(200);
  const home = await request(t.app).get('/').set(html);
  assert.doesNotMatch(home.text, /\/sectors\/renamed/);
});

test('reordering changes the navigation order', async () => {
  const list = async () => (await t.store.sectors.list()).filter((s) => s.visible).sort((a, b) => a.order - b.order);
  const [first, second] = await list();
  const token = await tokenOf(admin, '/admin/config/sectors');
  await admin.post(`/admin/config/sectors/${second!.id}/move`).type('form').send({ _csrf: token, direction: 'up' }).expect(303);
  const after = await list();
  assert.equal(after[0]!.id, second!.id);
  assert.equal(after[1]!.id, first!.id);
  const home = (await request(t.app).get('/').set(html)).text;
  assert.ok(home.indexOf(`/sectors/${second!.slug}"`) < home.indexOf(`/sectors/${first!.slug}"`));
});

test('a sector holding media cannot be deleted unless its media move to another sector', async () => {
  await create({ title: 'Full' });
  await create({ title: 'Target' });
  const full = (await t.store.sectors.list()).find((s) => s.title === 'Full')!;
  const target = (await t.store.sectors.list()).find((s) => s.title === 'Target')!;
  const a = await t.store.media.create(mediaRecord({ title: 'In full 1', sectorId: full.id }));
  const b = await t.store.media.create(mediaRecord({ title: 'In full 2', sectorId: full.id, status: 'draft' }));
  const list = await admin.get('/admin/config/sectors').set(html);
  assert.match(list.text, /data-sector="full">[\s\S]*?<td class="count">2<\/td>/);

  let token = await tokenOf(admin, '/admin/config/sectors');
  const refused = await admin.post(`/admin/config/sectors/${full.id}/delete`).type('form').set(html).send({ _csrf: token });
  assert.equal(refused.status, 400);
  assert.match(refused.text, /still holds 2 media/);
  assert.ok(await t.store.sectors.get(full.id));

  token = await tokenOf(admin, '/admin/config/sectors');
  const self = await admin.post(`/admin/config/sectors/${full.id}/delete`).type('form').set(html).send({ _csrf: token, moveTo: full.id });
  assert.equal(self.status, 400);

  token = await tokenOf(admin, '/admin/config/sectors');
  await admin.post(`/admin/config/sectors/${full.id}/delete`).type('form').send({ _csrf: token, moveTo: target.id }).expect(303);
  assert.equal(await t.store.sectors.get(full.id), undefined);
  assert.equal((await t.store.media.get(a.id))!.sectorId, target.id);
  assert.equal((await t.store.media.get(b.id))!.sectorId, target.id);

  await create({ title: 'Empty one' });
  const emptyOne = (await t.store.sectors.list()).find((s) => s.title === 'Empty one')!;
  token = await tokenOf(admin, '/admin/config/sectors');
  await admin.post(`/admin/config/sectors/${emptyOne.id}/delete`).type('form').send({ _csrf: token }).expect(303);
  assert.equal(await t.store.sectors.get(emptyOne.id), undefined);
});

test('the sector page lists only its published media, escaped', async () => {
  await create({ title: 'Gallery' });
  const gallery = (await t.store.sectors.list()).find((s) => s.title === 'Gallery')!;
  await t.store.media.create(mediaRecord({ title: 'Shown <b>bold</b>', sectorId: gallery.id }));
  await t.store.media.create(mediaRecord({ title: 'Secret draft', sectorId: gallery.id, status: 'draft' }));
  const page = await request(t.app).get(`/sectors/${gallery.slug}`).set(html).expect(200);
  assert.match(page.text, /Shown &lt;b&gt;bold&lt;\/b&gt;/);
  assert.doesNotMatch(page.text, /Secret draft/);
});

test('editors and members get 403, and a missing CSRF token changes nothing', async () => {
  const editor = await signIn(t, 'ed');
  await editor.get('/admin/config/sectors').set(html).expect(403);
  const token = await tokenOf(editor, '/admin');
  await editor.post('/admin/config/sectors').type('form').send({ _csrf: token, title: 'Nope' }).expect(403);
  const before = (await t.store.sectors.list()).length;
  await admin.post('/admin/config/sectors').type('form').set(html).send({ title: 'No token' }).expect(403);
  assert.equal((await t.store.sectors.list()).length, before);
});
