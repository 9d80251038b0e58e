import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, addUser, signIn, type TestApp } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';

let t: TestApp;
before(async () => {
  t = await makeApp();
  await addUser(t, 'alice', 'admin');
  // 120 media over two shards; one deleted, so pages do not line up with shards.
  for (let i = 1; i <= 120; i++) await t.store.media.create(mediaRecord({ title: `Media ${i}`, slug: `media-${i}` }));
  await t.store.media.delete('100');
});
after(() => t.close());

const shownIds = (html: string) => [...html.matchAll(/<tr data-media="(\d+)"/g)].map((m) => Number(m[1]));
const range = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => from - i).filter((id) => id !== 100);

test('the admin media list shows the library newest first, 50 per page, and clamps the page number', async () => {
  const alice = await signIn(t, 'alice');
  const html = (page?: string) => alice.get(`/admin/media${page ? `?page=${page}` : ''}`).set('Accept', 'text/html').expect(200);
  assert.deepEqual(shownIds((await html()).text), range(120, 70));
  assert.deepEqual(shownIds((await html('2')).text), range(69, 20));
  assert.deepEqual(shownIds((await html('3')).text), range(19, 1));
  assert.deepEqual(shownIds((await html('99')).text), range(19, 1));
  assert.deepEqual(shownIds((await html('nonsense')).text), range(120, 70));
});

test('the list filters by words, type, status and sector (drafts included), pages keep the filters, and nonsense is ignored', async () => {
  const alice = await signIn(t, 'alice');
  const sector = await t.store.sectors.create({ slug: 'plages', title: 'Plages', description: '', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
  const add = async (over: Parameters<typeof mediaRecord>[0]) => {
    const m = await t.store.media.create(mediaRecord(over));
    t.app.kiosque.search.upsert(m);
    return Number(m.id);
  };
  const plage = await add({ title: 'Plage de Zanzibar', slug: 'plage', type: 'image', status: 'draft', sectorId: sector.id });
  const son = await add({ title: 'Zanzibar, le son', slug: 'son', type: 'audio', status: 'published', publishedAt: '2025-06-01T00:00:00.000Z' });
  const html = async (query: string) => (await alice.get(`/admin/media?${query}`).set('Accept', 'text/html').expect(200)).text;
  assert.deepEqual(shownIds(await html('q=zanzibar')).sort(), [plage, son].sort());
  assert.deepEqual(shownIds(await html('q=zanzibar&type=audio')), [son]);
  assert.deepEqual(shownIds(await html('q=zanzibar&status=draft')), [plage]);
  assert.deepEqual(shownIds(await html('sector=plages')), [plage]);
  const filtered = await html('q=zanzibar&type=image');
  assert.match(filtered, /<input id="filter-q" type="search" name="q" value="zanzibar"/);
  assert.match(filtered, /<option value="image" selected>/);
  assert.match(filtered, /Page 1 of 1/);
  assert.match(filtered, /<a href="\/admin\/media">Show all media<\/a>/);
  // A value that does not exist is no filter at all.
  assert.deepEqual(shownIds(await html('type=hologram&status=lost&sector=nowhere')).length, 50);
  // Pages of a filtered list keep the filter.
  for (let i = 0; i < 50; i++) await add({ title: `Zanzibar ${i}`, slug: `z-${i}` });
  const first = await html('q=zanzibar');
  assert.match(first, /Page 1 of 2/);
  const next = /<a href="([^"]+)" rel="next">/.exec(first)?.[1]?.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
  assert.equal(next, '/admin/media?q=zanzibar&page=2');
  assert.equal(shownIds(await html('q=zanzibar&page=2')).length, 2);
  const fr = (await alice.get('/admin/media?q=zanzibar&lang=fr').set('Accept', 'text/html').expect(200)).text;
  assert.match(fr, /Page 1 sur 2/);
  assert.match(fr, /<label for="filter-q">Mots<\/label>/);
});
