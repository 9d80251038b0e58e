import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, tokenOf, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;
before(async () => {
  t = await makeApp();
  await addUser(t, 'ada', 'admin');
  admin = await signIn(t, 'ada');
});
after(() => t.close());

const html = { Accept: 'text/html' };
const BASE = '/admin/config/sectors';

async function create(title: string, slug: string) {
  const token = await tokenOf(admin, BASE);
  await admin.post(BASE).type('form').set(html).send({ _csrf: token, title, slug, visible: 'on', display: 'grid', defaultSort: 'date' }).expect(303);
  return (await t.store.sectors.list()).find((s) => s.title === title)!;
}
async function setSlug(id: string, title: string, slug: string) {
  const token = await tokenOf(admin, `${BASE}/${id}`);
  await admin.post(`${BASE}/${id}`).type('form').set(html).send({ _csrf: token, title, slug, visible: 'on', display: 'grid', defaultSort: 'date' }).expect(303);
}
const former = async (id: string) => (await t.store.sectors.get(id))!.formerSlugs ?? [];
const redirect = async (path: string) => (await request(t.app).get(path).set(html).expect(301)).headers.location;

test('a new sector taking another sector’s former slug takes the address: a later rename of the new one keeps it pointing at the new one', async () => {
  const cards = await create('Cartes postales', 'cartes');
  await setSlug(cards.id, 'Cartes postales', 'postales');
  assert.deepEqual(await former(cards.id), ['cartes']);
  assert.equal(await redirect('/sectors/cartes'), '/sectors/postales');

  const letters = await create('Lettres', 'cartes');
  assert.deepEqual(await former(cards.id), [], 'the older sector gives the address up');
  await request(t.app).get('/sectors/cartes').set(html).expect(200);

  await setSlug(letters.id, 'Lettres', 'lettres');
  assert.deepEqual(await former(letters.id), ['cartes']);
  assert.equal(await redirect('/sectors/cartes'), '/sectors/lettres', 'the old address leads to the sector that had it last');
  assert.equal(await redirect('/sectors/cartes?x=1'), '/sectors/lettres?x=1');
  await request(t.app).get('/sectors/postales').set(html).expect(200);
});

test('a sector renamed to another sector’s former slug takes the address the same way, and its own old one too', async () => {
  const maps = await create('Plans', 'plans');
  await setSlug(maps.id, 'Plans', 'cartographie');
  const atlas = await create('Atlas', 'atlas');
  // Renamed onto the former slug: the other sector forgets it.
  await setSlug(atlas.id, 'Atlas', 'plans');
  assert.deepEqual(await former(maps.id), []);
  assert.deepEqual(await former(atlas.id), ['atlas']);
  await setSlug(atlas.id, 'Atlas', 'atlas-du-monde');
  assert.deepEqual(await former(atlas.id), ['atlas', 'plans']);
  assert.equal(await redirect('/sectors/plans'), '/sectors/atlas-du-monde');
  assert.equal(await redirect('/sectors/atlas'), '/sectors/atlas-du-monde');
  // The first sector renamed again: it does not claim back the address it gave up.
  await setSlug(maps.id, 'Plans', 'cartes-anciennes');
  assert.deepEqual(await former(maps.id), ['cartographie']);
  assert.equal(await redirect('/sectors/plans'), '/sectors/atlas-du-monde');
  assert.equal(await redirect('/sectors/cartographie'), '/sectors/cartes-anciennes');
});
