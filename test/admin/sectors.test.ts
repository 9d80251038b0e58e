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

/** A media record written as the media service would: in the store, then told to the search index (sector pages read it). */
async function addMedia(over: Parameters<typeof mediaRecord>[0]) {
  const m = await t.store.media.create(mediaRecord(over));
  t.app.kiosque.search.upsert(m);
  return m;
}

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
  // Another title (Ete would be the same one), the same slug.
  await create({ title: 'Été !' });
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

test('a renamed sector’s old address, and any case of its slug, redirect to its one address with the query kept', async () => {
  await create({ title: 'Cartes postales' });
  const sector = (await t.store.sectors.list()).find((s) => s.title === 'Cartes postales')!;
  assert.equal(sector.slug, 'cartes-postales');
  const edit = async (slug: string) => {
    const token = await tokenOf(admin, `/admin/config/sectors/${sector.id}`);
    await admin.post(`/admin/config/sectors/${sector.id}`).type('form').set(html).send({ _csrf: token, title: 'Cartes postales', slug, visible: 'on', display: 'grid', defaultSort: 'date' }).expect(303);
  };
  await edit('cartes');
  await edit('postales');
  for (const old of ['/sectors/cartes-postales?page=2', '/sectors/cartes?page=2', '/sectors/POSTALES?page=2']) {
    const res = await request(t.app).get(old).set(html).expect(301);
    assert.equal(res.headers.location, '/sectors/postales?page=2', old);
  }
  await request(t.app).get('/sectors/postales').set(html).expect(200);
  // A new sector may take a former slug: the address is then its own.
  await create({ title: 'Cartes', slug: 'cartes' });
  await request(t.app).get('/sectors/cartes').set(html).expect(200);
  await request(t.app).get('/sectors/cartes-postales').set(html).expect(301);
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
  // A sector deleted in another tab is not found, rather than announced as moved.
  const orders = JSON.stringify((await t.store.sectors.list()).map((s) => [s.id, s.order]));
  await admin.post('/admin/config/sectors/no-such-sector/move').type('form').set(html).send({ _csrf: token, direction: 'up' }).expect(404);
  assert.equal(JSON.stringify((await t.store.sectors.list()).map((s) => [s.id, s.order])), orders);
});

test('a sector holding media cannot be deleted unless its media move to another sector', async () => {
  await create({ title: 'Full' });
  await create({ title: 'Target' });
  const full = (await t.store.sectors.list()).find((s) => s.title === 'Full')!;
  const target = (await t.store.sectors.list()).find((s) => s.title === 'Target')!;
  const a = await addMedia({ title: 'In full 1', sectorId: full.id });
  const b = await addMedia({ title: 'In full 2', sectorId: full.id, status: 'draft' });
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
  // The search index heard of the move: the target sector's page lists the published one.
  assert.match((await request(t.app).get(`/sectors/${target.slug}`).set(html).expect(200)).text, /In full 1/);

  await create({ title: 'Empty one' });
  const emptyOne = (await t.store.sectors.list()).find((s) => s.title === 'Empty one')!;
  token = await tokenOf(admin, '/admin/config/sectors');
  await admin.post(`/admin/config/sectors/${emptyOne.id}/delete`).type('form').send({ _csrf: token }).expect(303);
  assert.equal(await t.store.sectors.get(emptyOne.id), undefined);
});

test('a refused deletion shows its message beside the row’s “move its media to” select, linked from the top', async () => {
  await create({ title: 'Crowded' });
  const crowded = (await t.store.sectors.list()).find((s) => s.title === 'Crowded')!;
  await addMedia({ title: 'In crowded', sectorId: crowded.id });
  const token = await tokenOf(admin, '/admin/config/sectors');
  try {
    for (const moveTo of [undefined, crowded.id]) {
      const res = await admin.post(`/admin/config/sectors/${crowded.id}/delete?lang=fr`).type('form').set(html).send({ _csrf: token, ...(moveTo ? { moveTo } : {}) });
      assert.equal(res.status, 400);
      assert.match(res.text, new RegExp(`<select id="move-${crowded.id}" name="moveTo" aria-invalid="true" aria-describedby="move-${crowded.id}-error">`));
      assert.match(res.text, new RegExp(`<p class="field-error" id="move-${crowded.id}-error">(Ce secteur contient encore 1 média|Choisissez un autre secteur existant)`));
      assert.match(res.text, new RegExp(`<a href="#move-${crowded.id}">1 problème\u00a0: voir le secteur «\u00a0Crowded\u00a0»\\.</a>`));
      assert.equal((res.text.match(/aria-invalid="true"/g) ?? []).length, 1, 'only that row is marked');
    }
  } finally {
    await admin.get('/?lang=en').set(html);
  }
  assert.ok(await t.store.sectors.get(crowded.id));
});

test('the sector page lists only its published media, escaped', async () => {
  await create({ title: 'Gallery' });
  const gallery = (await t.store.sectors.list()).find((s) => s.title === 'Gallery')!;
  await addMedia({ title: 'Shown <b>bold</b>', sectorId: gallery.id });
  await addMedia({ title: 'Secret draft', sectorId: gallery.id, status: 'draft' });
  const page = await request(t.app).get(`/sectors/${gallery.slug}`).set(html).expect(200);
  assert.match(page.text, /Shown &lt;b&gt;bold&lt;\/b&gt;/);
  assert.doesNotMatch(page.text, /Secret draft/);
});

test('the sector page sorts by the sector\'s default sort and paginates, from the search index', async () => {
  await create({ title: 'Many', defaultSort: 'title' });
  const many = (await t.store.sectors.list()).find((s) => s.title === 'Many')!;
  // 26 published media titled "Item 00".."Item 25", created in reverse title order, plus a draft.
  for (let i = 25; i >= 0; i--) await addMedia({ title: `Item ${String(i).padStart(2, '0')}`, sectorId: many.id, publishedAt: `2024-01-${String(26 - i).padStart(2, '0')}T00:00:00Z` });
  await addMedia({ title: 'Item 000 draft', sectorId: many.id, status: 'draft' });
  const titles = (text: string) => [...text.matchAll(/class="media-card-title">([^<]+)</g)].map((m) => m[1]);
  const first = await request(t.app).get(`/sectors/${many.slug}`).set(html).expect(200);
  assert.match(first.text, /Media: 26/);
  assert.deepEqual(titles(first.text), Array.from({ length: 24 }, (_, i) => `Item ${String(i).padStart(2, '0')}`));
  assert.match(first.text, /rel="next" href="\?page=2"/);
  const second = await request(t.app).get(`/sectors/${many.slug}?page=2`).set(html).expect(200);
  assert.deepEqual(titles(second.text), ['Item 24', 'Item 25']);
  assert.deepEqual(titles((await request(t.app).get(`/sectors/${many.slug}?page=99`).set(html).expect(200)).text), ['Item 24', 'Item 25'], 'past the end: the last page');

  const token = await tokenOf(admin, `/admin/config/sectors/${many.id}`);
  await admin.post(`/admin/config/sectors/${many.id}`).type('form').set(html).send({ _csrf: token, title: 'Many', slug: many.slug, visible: 'on', display: 'grid', defaultSort: 'date' }).expect(303);
  const byDate = await request(t.app).get(`/sectors/${many.slug}`).set(html).expect(200);
  assert.deepEqual(titles(byDate.text).slice(0, 3), ['Item 00', 'Item 01', 'Item 02'], 'newest first');
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

test('every problem of the form at once, each beside its field, with what was typed kept and nothing saved, in English and French', async () => {
  const before = JSON.stringify(await t.store.sectors.list());
  const typed = { title: '', slug: 'Pas Un Slug!', description: 'Ligne 1\nLigne 2 <i>', display: 'carousel', defaultSort: 'date' };
  const en = await create(typed);
  assert.equal(en.status, 400);
  assert.match(en.text, /<p class="error" role="alert">Some fields need correcting \(3\)\. Nothing was saved\.<\/p>/);
  assert.match(en.text, /<input id="sector-title" name="title" value="" required maxlength="120" aria-invalid="true" aria-describedby="sector-title-error">/);
  assert.match(en.text, /<p class="field-error" id="sector-title-error">Give the sector a title\.<\/p>/);
  assert.match(en.text, /<input id="sector-slug" name="slug" value="Pas Un Slug!" maxlength="80" aria-describedby="sector-slug-help sector-slug-error" aria-invalid="true">/);
  assert.match(en.text, /<p class="field-error" id="sector-slug-error">The URL name takes lower-case letters/);
  assert.match(en.text, /<select id="sector-display" name="display" aria-invalid="true" aria-describedby="sector-display-error">/);
  assert.match(en.text, /<p class="field-error" id="sector-display-error">Choose grid or list\.<\/p>/);
  // The description comes back as typed, escaped.
  assert.match(en.text, /<textarea id="sector-description" name="description" rows="3" maxlength="5000">Ligne 1\nLigne 2 &lt;i&gt;<\/textarea>/);
  assert.doesNotMatch(en.text, /id="sector-description"[^>]*aria-invalid/);

  const sector = (await t.store.sectors.list())[0]!;
  const token = await tokenOf(admin, `/admin/config/sectors/${sector.id}`);
  const fr = await admin.post(`/admin/config/sectors/${sector.id}?lang=fr`).type('form').set(html).send({ _csrf: token, ...typed, title: 'x'.repeat(121), defaultSort: 'random' });
  await admin.get('/?lang=en').set(html);
  assert.equal(fr.status, 400);
  assert.match(fr.text, /Certains champs sont à corriger \(4\)\. Rien n’a été enregistré\./);
  assert.match(fr.text, /id="sector-title-error">Le titre est limité à 120 caractères\./);
  assert.match(fr.text, /id="sector-slug-error">Le nom dans l’URL prend des minuscules/);
  assert.match(fr.text, /id="sector-display-error">Choisissez grille ou liste\./);
  assert.match(fr.text, /id="sector-sort-error">Choisissez date, titre ou popularité\./);
  assert.match(fr.text, new RegExp(`value="${'x'.repeat(121)}"`));
  assert.match(fr.text, /value="Pas Un Slug!"/);
  assert.equal(JSON.stringify(await t.store.sectors.list()), before);
});

test('a title another sector has, whatever its case and accents, is refused on creation and on renaming; a sector keeps its own', async () => {
  await create({ title: 'Photographies' });
  await create({ title: 'Dessins' });
  const photos = (await t.store.sectors.list()).find((s) => s.title === 'Photographies')!;
  const drawings = (await t.store.sectors.list()).find((s) => s.title === 'Dessins')!;
  const before = JSON.stringify(await t.store.sectors.list());
  for (const title of ['Photographies', 'PHOTOGRAPHIES', '  photographiés ']) {
    const res = await create({ title, slug: 'autre-adresse' });
    assert.equal(res.status, 400, title);
    assert.match(res.text, /aria-invalid="true" aria-describedby="sector-title-error"/, title);
    assert.match(res.text, /id="sector-title-error">Another sector is already called “Photographies”: choose a title that tells them apart in the navigation\.<\/p>/, title);
    assert.match(res.text, new RegExp(`id="sector-title" name="title" value="${title}"`), title);
  }
  // Renaming another sector to it: refused too, in French, with the typed slug's own problem beside it.
  const token = await tokenOf(admin, `/admin/config/sectors/${drawings.id}`);
  const fr = await admin.post(`/admin/config/sectors/${drawings.id}?lang=fr`).type('form').set(html).send({ _csrf: token, title: 'Photographiès', slug: photos.slug, visible: 'on', display: 'grid', defaultSort: 'date' });
  await admin.get('/?lang=en').set(html);
  assert.equal(fr.status, 400);
  assert.match(fr.text, /id="sector-title-error">Un autre secteur s’appelle déjà «\u00a0Photographies\u00a0»\u00a0: choisissez un titre qui les distingue dans la navigation\./);
  assert.match(fr.text, /id="sector-slug-error">Un autre secteur utilise déjà ce nom dans l’URL\./);
  assert.equal(JSON.stringify(await t.store.sectors.list()), before);
  // The sector itself may keep its title, or change its case.
  const own = await tokenOf(admin, `/admin/config/sectors/${photos.id}`);
  await admin.post(`/admin/config/sectors/${photos.id}`).type('form').set(html).send({ _csrf: own, title: 'PHOTOGRAPHIES', slug: photos.slug, visible: 'on', display: 'grid', defaultSort: 'date' }).expect(303);
  assert.equal((await t.store.sectors.get(photos.id))!.title, 'PHOTOGRAPHIES');
  // Titles that differ by more than case and accents are other sectors.
  assert.equal((await create({ title: 'Photographies anciennes' })).status, 303);
});

test('a refused deletion’s address, opened by its language link or a reload, leads back to the list with the query kept', async () => {
  const [sector] = await t.store.sectors.list();
  for (const action of ['delete', 'move']) {
    const res = await admin.get(`/admin/config/sectors/${sector!.id}/${action}?lang=en`).set(html);
    assert.equal(res.status, 303, action);
    assert.equal(res.headers.location, '/admin/config/sectors?lang=en');
  }
});
