import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, addUser, signIn, type TestApp } from '../helpers/app.ts';
import { mediaInput } from '../search/fixtures.ts';
import { fitInBox } from '../../core/media/sector-strip.ts';
import type { Media } from '../../core/store/index.ts';

let t: TestApp;
const ids: Record<string, string> = {};
const thumb = { file: 'x/thumb.jpg', mime: 'image/jpeg', size: 1, width: 320, height: 240 };

before(async () => {
  t = await makeApp();
  const photos = await t.store.sectors.create({ slug: 'photos', title: 'Photos & co', description: '', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
  const sons = await t.store.sectors.create({ slug: 'sons', title: 'Sons', description: '', order: 1, visible: true, display: 'grid', defaultSort: 'date' });
  const add = async (name: string, over: Partial<Omit<Media, 'id'>>) => {
    const m = await t.store.media.create(mediaInput({ slug: name, title: name, variants: { thumb }, ...over }));
    t.app.kiosque.search.upsert(m);
    ids[name] = m.id;
  };
  await add('first', { sectorId: photos.id, createdAt: '2024-01-01T00:00:00.000Z' });
  await add('second', { sectorId: photos.id, createdAt: '2024-02-01T00:00:00.000Z', title: 'Nuit & <jour>' });
  await add('third', { sectorId: photos.id, createdAt: '2024-03-01T00:00:00.000Z' });
  await add('draft', { sectorId: photos.id, createdAt: '2024-04-01T00:00:00.000Z', status: 'draft' });
  await add('sound', { sectorId: photos.id, createdAt: '2024-05-01T00:00:00.000Z', type: 'audio', variants: {} });
  await add('elsewhere', { sectorId: sons.id, createdAt: '2024-06-01T00:00:00.000Z' });
  await add('loose', { sectorId: null, createdAt: '2024-07-01T00:00:00.000Z' });
});
after(() => t.close());

const skeleton = async (over: Record<string, unknown>) => {
  const saved = (await t.store.settings.get<Record<string, unknown>>('skeleton')) ?? {};
  await t.store.settings.set('skeleton', { ...saved, ...over });
};
const strip = async (name: string, lang = 'en') => {
  const html = (await request(t.app).get(`/media/${ids[name]}/${name}`).set('Accept', 'text/html').set('Accept-Language', lang).expect(200)).text;
  return /<nav class="media-strip"[\s\S]*?<\/nav>/.exec(html)?.[0];
};
const links = (nav: string) => [...nav.matchAll(/<li><a href="([^"]+)"/g)].map((m) => m[1]);

test('a media page shows the newest other published media of its sector, fitted in the navigation thumbnails box', async () => {
  const nav = await strip('first');
  assert.ok(nav, 'the strip is there');
  // Newest first; itself, the draft and the other sector's media are left out.
  assert.deepEqual(links(nav), [`/media/${ids.sound}/sound`, `/media/${ids.third}/third`, `/media/${ids.second}/second`]);
  assert.match(nav, /<h2 id="media-strip-title">Also in Photos &amp; co<\/h2>/);
  assert.match(nav, /<img src="\/files\/\d+\/thumb" alt="third" width="64" height="48" loading="lazy">/, 'the default 64 px box');
  assert.match(nav, /<span class="no-thumb">sound<\/span>/, 'a media without a thumbnail shows its title');
  assert.match(nav, /alt="Nuit &amp; &lt;jour&gt;"/, 'titles are escaped');
  assert.doesNotMatch(nav, /<jour>/);
  assert.match(nav, /<a href="\/sectors\/photos">See all of Photos &amp; co<\/a>/);
  assert.match((await strip('first', 'fr'))!, /Aussi dans Photos &amp; co/);
});

test('the skeleton settings decide how many and how large; 0 turns the strip off; no sector, no strip', async () => {
  await skeleton({ navThumbnailCount: 2, navThumbnailBox: 100 });
  const nav = (await strip('first'))!;
  assert.deepEqual(links(nav), [`/media/${ids.sound}/sound`, `/media/${ids.third}/third`]);
  assert.match(nav, /alt="third" width="100" height="75"/);
  await skeleton({ navThumbnailCount: 0 });
  assert.equal(await strip('first'), undefined);
  await skeleton({ navThumbnailCount: 6 });
  assert.equal(await strip('loose'), undefined, 'a media without a sector');
  assert.equal(await strip('elsewhere'), undefined, 'the only media of its sector');
});

test('a media of a hidden sector names no sector and shows no strip to visitors; staff still see both', async () => {
  const photos = (await t.store.sectors.list()).find((s) => s.slug === 'photos')!;
  await t.store.sectors.update(photos.id, { visible: false });
  try {
    const html = (await request(t.app).get(`/media/${ids.first}/first`).set('Accept', 'text/html').expect(200)).text;
    assert.doesNotMatch(html, /Photos &amp; co/);
    assert.doesNotMatch(html, /\/sectors\/photos/);
    assert.doesNotMatch(html, /class="media-strip"/);
    await addUser(t, 'staff', 'editor');
    const staff = await signIn(t, 'staff');
    const seen = (await staff.get(`/media/${ids.first}/first`).set('Accept', 'text/html').expect(200)).text;
    assert.match(seen, /<a href="\/sectors\/photos">Photos &amp; co<\/a>/);
    assert.match(seen, /class="media-strip"/);
  } finally {
    await t.store.sectors.update(photos.id, { visible: true });
  }
});

test('fitInBox scales down to the box, keeps the proportions and never enlarges', () => {
  assert.deepEqual(fitInBox(320, 240, 64), { width: 64, height: 48 });
  assert.deepEqual(fitInBox(240, 320, 64), { width: 48, height: 64 });
  assert.deepEqual(fitInBox(50, 20, 64), { width: 50, height: 20 });
  assert.deepEqual(fitInBox(4000, 10, 64), { width: 64, height: 1 });
});
