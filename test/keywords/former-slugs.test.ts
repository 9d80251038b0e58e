import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, type TestApp } from '../helpers/app.ts';
import { mediaInput } from '../search/fixtures.ts';
import { homepageDefaults } from '../../core/settings/homepage.ts';
import { settingsFormValues } from '../helpers/settings-form.ts';
import type { Media } from '../../core/store/index.ts';

let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;
let tagsId: string;

before(async () => {
  t = await makeApp();
  await addUser(t, 'alice', 'admin');
  admin = await signIn(t, 'alice');
  tagsId = (await t.app.kiosque.keywords.group('tags'))!.id;
});
after(() => t.close());

const html = (path: string) => request(t.app).get(path).set('Accept', 'text/html');
const api = (path: string) => request(t.app).get(path).set('Accept', 'application/json');
async function addMedia(title: string, keywordIds: string[]): Promise<Media> {
  const m = await t.store.media.create(mediaInput({ title, keywordIds }));
  t.app.kiosque.search.upsert(m);
  return m;
}
/** Posts one of the keyword row forms of /admin/keywords (rename, merge) as the admin. */
async function act(id: string, action: 'rename' | 'merge', fields: Record<string, string>) {
  const res = await admin.post(`/admin/keywords/${id}/${action}`).type('form').set('Accept', 'text/html').send({ _csrf: await tokenOf(admin, '/admin/keywords'), ...fields });
  assert.equal(res.status, 303, res.text);
}
const keywordByTitle = async (title: string) => (await t.app.kiosque.keywords.list()).find((k) => k.title === title)!;

test('a renamed keyword moves to its new address; the old one answers 301 to it, query kept', async () => {
  const k = await t.app.kiosque.keywords.create(tagsId, 'Carnaval');
  await addMedia('Défilé', [k.id]);
  // Cached for anonymous visitors first: the rename must not leave the old page served.
  assert.match((await html('/keywords/tags/carnaval').expect(200)).text, /Défilé/);
  await act(k.id, 'rename', { title: 'Mardi gras' });

  const moved = await html('/keywords/tags/carnaval?page=2&lang=fr').expect(301);
  assert.equal(moved.headers.location, '/keywords/tags/mardi-gras?page=2&lang=fr');
  const now = await html('/keywords/tags/mardi-gras').expect(200);
  assert.match(now.text, /<li aria-current="page">Mardi gras<\/li>/);
  assert.match(now.text, /Défilé/);
  assert.equal((await html('/keywords/Tags/CARNAVAL').expect(301)).headers.location, '/keywords/tags/mardi-gras', 'another case of a former address too');

  // Renamed again: every former address goes straight to the current one (no chain of redirects).
  await act(k.id, 'rename', { title: 'Fête de rue' });
  assert.equal((await html('/keywords/tags/carnaval').expect(301)).headers.location, '/keywords/tags/fete-de-rue');
  assert.equal((await html('/keywords/tags/mardi-gras?view=list').expect(301)).headers.location, '/keywords/tags/fete-de-rue?view=list');
  await html('/keywords/tags/fete-de-rue').expect(200);
  await html('/keywords/tags/fete').expect(404);

  // A change of case or punctuation keeps the address: no redirect to itself.
  await act(k.id, 'rename', { title: 'FÊTE DE RUE !' });
  await html('/keywords/tags/fete-de-rue').expect(200);
  assert.equal((await t.app.kiosque.keywords.get(k.id))!.slug, 'fete-de-rue');
});

test('kw=group/former-slug still finds the keyword, in /search and the API, under its current ref', async () => {
  const k = await keywordByTitle('FÊTE DE RUE !');
  const other = await t.app.kiosque.keywords.create(tagsId, 'Autre');
  const m = await addMedia('Cortège', [k.id]);
  await addMedia('Sans rapport', [other.id]);

  const page = await html('/search?kw=tags/carnaval').expect(200);
  assert.doesNotMatch(page.text, /Unknown keyword/);
  assert.match(page.text, /Keyword: Tags \/ FÊTE DE RUE !/);
  assert.match(page.text, /Cortège/);
  assert.doesNotMatch(page.text, /Sans rapport/);
  assert.match(page.text, /id="search-kw" name="kw" value="tags\/fete-de-rue"/, 'the form carries the current address');

  const body = (await api('/api/v1/media?kw=tags/mardi-gras').expect(200)).body as { total: number; items: Array<{ id: string }> };
  assert.equal(body.total, 2);
  assert.ok(body.items.some((i) => i.id === m.id));
  const none = await api('/api/v1/media?kw=tags/fete').expect(400);
  assert.equal(none.body.error.code, 'unknown_keyword');
});

test('merging A into B: A’s addresses, current and former, lead to B; media follow', async () => {
  const kws = t.app.kiosque.keywords;
  const a = await kws.create(tagsId, 'Loup');
  await act(a.id, 'rename', { title: 'Masque' });
  const b = await kws.create(tagsId, 'Masques');
  const m1 = await addMedia('Bal masqué', [a.id]);
  await act(a.id, 'merge', { target: 'tags/masques' });

  assert.equal(await kws.get(a.id), undefined, 'the source is gone');
  assert.deepEqual((await t.store.media.get(m1.id))!.keywordIds, [b.id]);
  assert.equal((await html('/keywords/tags/masque?page=1').expect(301)).headers.location, '/keywords/tags/masques?page=1');
  assert.equal((await html('/keywords/tags/loup').expect(301)).headers.location, '/keywords/tags/masques');
  assert.match((await html('/search?kw=tags/loup').expect(200)).text, /Bal masqué/);
  assert.equal((await api('/api/v1/media?kw=tags/masque').expect(200)).body.total, 1);

  // Across groups: the address keeps its own group's slug.
  const places = await kws.createGroup({ title: 'Lieux' });
  const venicePlace = await kws.create(places.id, 'Venise');
  const veniceTag = await kws.create(tagsId, 'Venise');
  await addMedia('Gondole', [venicePlace.id]);
  await act(venicePlace.id, 'merge', { target: 'tags/venise' });
  assert.equal((await html('/keywords/lieux/venise').expect(301)).headers.location, '/keywords/tags/venise');
  assert.match((await html('/search?kw=lieux/venise').expect(200)).text, /Gondole/);
  assert.deepEqual((await kws.get(veniceTag.id))!.formerSlugs, [{ groupId: places.id, slug: 'venise' }]);
});

test('a new keyword may take a former slug: the address is then its own, and stays its own after it moves on', async () => {
  const kws = t.app.kiosque.keywords;
  const old = await keywordByTitle('FÊTE DE RUE !');
  const fresh = await kws.create(tagsId, 'Carnaval');
  assert.equal(fresh.slug, 'carnaval', 'not carnaval-2: a former address does not take the slug');
  // No media yet: visitors get no page (nothing published names it), editors and admins do.
  await html('/keywords/tags/carnaval').expect(404);
  const page = await admin.get('/keywords/tags/carnaval').set('Accept', 'text/html').expect(200);
  assert.match(page.text, /<li aria-current="page">Carnaval<\/li>/);
  assert.equal((await api('/api/v1/media?kw=tags/carnaval').expect(200)).body.total, 0, 'kw= means the new keyword now');
  assert.equal((await html('/keywords/tags/mardi-gras').expect(301)).headers.location, '/keywords/tags/fete-de-rue', 'the other former addresses are untouched');

  // Renamed in turn: the address now leads to the last keyword that had it.
  await act(fresh.id, 'rename', { title: 'Carnaval de Venise' });
  assert.equal((await admin.get('/keywords/tags/carnaval').set('Accept', 'text/html').expect(301)).headers.location, '/keywords/tags/carnaval-de-venise');
  assert.ok(!(await kws.get(old.id))!.formerSlugs!.some((f) => f.slug === 'carnaval'), 'the first keyword let go of it');
  assert.ok((await kws.get(old.id))!.formerSlugs!.some((f) => f.slug === 'mardi-gras'));
});

test('media forms and the API read group/former-slug as that keyword instead of creating a new tag', async () => {
  const m = await addMedia('Portrait', []);
  const res = await admin.patch(`/api/v1/media/${m.id}`).set('X-CSRF-Token', await tokenOf(admin)).send({ keywords: ['tags/loup'] });
  assert.equal(res.status, 200, res.text);
  const masques = await keywordByTitle('Masques');
  assert.deepEqual((await t.store.media.get(m.id))!.keywordIds, [masques.id]);
  assert.equal((await t.app.kiosque.keywords.list()).filter((k) => k.slug === 'loup').length, 0, 'no tag “loup” was created');
});

test('homepage highlights by keyword follow the keyword to its new address', async () => {
  const kws = t.app.kiosque.keywords;
  const k = await kws.create(tagsId, 'Lanterne');
  await addMedia('Lampion', [k.id]);
  await t.store.settings.set('homepage', { ...homepageDefaults, blocks: ['highlights'], highlightsSource: 'keyword', highlightsTarget: 'tags/lanterne', highlightsTitle: 'Lumières' });
  await act(k.id, 'rename', { title: 'Lumignon' });
  const home = (await html('/').expect(200)).text;
  assert.match(home, /<h2><a href="\/keywords\/tags\/lumignon">Lumières<\/a><\/h2>/);
  assert.match(home, /Lampion/);
  // The homepage config page accepts the former address it holds: saving it unchanged works.
  const form = settingsFormValues((await admin.get('/admin/config/homepage').set('Accept', 'text/html').expect(200)).text);
  assert.equal(form.highlightsTarget, 'tags/lanterne');
  const saved = await admin.post('/admin/config/homepage').type('form').set('Accept', 'text/html').send({ ...form, _csrf: await tokenOf(admin, '/admin/config/homepage') });
  assert.equal(saved.status, 303, saved.text);
});

test('at most the last 20 former addresses are kept; renaming back gives the old address back', async () => {
  const kws = t.app.kiosque.keywords;
  const k = await kws.create(tagsId, 'Étape 0');
  await addMedia('Randonnée', [k.id]);
  for (let i = 1; i <= 22; i++) await kws.rename(k.id, `Étape ${i}`);
  const former = (await kws.get(k.id))!.formerSlugs!.map((f) => f.slug);
  assert.equal(former.length, 20);
  assert.deepEqual([former[0], former.at(-1)], ['etape-2', 'etape-21']);
  await html('/keywords/tags/etape-0').expect(404);
  assert.equal((await html('/keywords/tags/etape-2').expect(301)).headers.location, '/keywords/tags/etape-22');
  await kws.rename(k.id, 'Étape 5');
  const back = (await kws.get(k.id))!;
  assert.equal(back.slug, 'etape-5');
  assert.ok(!back.formerSlugs!.some((f) => f.slug === 'etape-5'));
  assert.equal(back.formerSlugs!.at(-1)!.slug, 'etape-22');
  await html('/keywords/tags/etape-5').expect(200);
});
