import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, type TestApp } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';

let t: TestApp;
const ids: Record<string, string> = {};

before(async () => {
  t = await makeApp();
  await addUser(t, 'eddie', 'editor');
  await addUser(t, 'mia', 'member');
  const s = t.app.kiosque;
  const photos = await t.store.sectors.create({ slug: 'photos', title: 'Photos <b>', description: 'Des images', order: 2, visible: true, display: 'grid', defaultSort: 'date' });
  const sons = await t.store.sectors.create({ slug: 'sons', title: 'Sons', description: '', order: 1, visible: true, display: 'list', defaultSort: 'title' });
  const hidden = await t.store.sectors.create({ slug: 'coulisses', title: 'Coulisses', description: '', order: 3, visible: false, display: 'grid', defaultSort: 'date' });
  Object.assign(ids, { photos: photos.id, sons: sons.id, hidden: hidden.id });
  const add = async (sectorId: string, status: 'published' | 'draft' = 'published') => s.search.upsert(await t.store.media.create(mediaRecord({ title: 'M', sectorId, status })));
  await add(photos.id);
  await add(photos.id);
  await add(photos.id, 'draft');
  await add(hidden.id);
});
after(() => t.close());

test('visitors get the visible sectors in order, with their published media count', async () => {
  const res = await request(t.app).get('/api/v1/sectors').expect(200).expect('Content-Type', /json/);
  assert.deepEqual(res.body, {
    items: [
      { id: ids.sons, slug: 'sons', title: 'Sons', description: '', order: 1, mediaCount: 0, url: '/sectors/sons' },
      { id: ids.photos, slug: 'photos', title: 'Photos <b>', description: 'Des images', order: 2, mediaCount: 2, url: '/sectors/photos' },
    ],
  });
  assert.match(String(res.headers['cache-control']), /private/);
  const member = await signIn(t, 'mia');
  assert.deepEqual((await member.get('/api/v1/sectors').expect(200)).body.items.map((s: { slug: string }) => s.slug), ['sons', 'photos']);
});

test('staff also see hidden sectors, marked by `visible`', async () => {
  const editor = await signIn(t, 'eddie');
  const res = await editor.get('/api/v1/sectors').expect(200);
  assert.deepEqual(res.body.items.map((s: { slug: string; visible: boolean; mediaCount: number }) => [s.slug, s.visible, s.mediaCount]), [['sons', true, 0], ['photos', true, 2], ['coulisses', false, 1]]);
});

test('counts follow the plugins’ search filters, as the sector pages do', async () => {
  const count = async () => (await request(t.app).get('/api/v1/sectors').expect(200)).body.items.find((s: { slug: string }) => s.slug === 'photos').mediaCount;
  assert.equal(await count(), 2);
  const undo = t.app.kiosque.hooks.filter('search.query', (c, ctx) => ((ctx as { source: string }).source === 'api' ? { ...(c as object), types: ['audio'] } : c), { owner: 'test' });
  try {
    assert.equal(await count(), 0, 'a plugin showing audio only leaves no media in the photos sector');
  } finally {
    undo();
  }
  assert.equal(await count(), 2);
});
