import { test, before, after } from 'node:test';
import { rm } from 'node:fs/promises';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, signIn, addUser, type TestApp } from '../helpers/app.ts';
import { openLowdbStore } from '../../core/store/index.ts';
import { mediaInput } from '../search/fixtures.ts';

let t: TestApp;
let id: string;
let other: string;
let draft: string;
before(async () => {
  t = await makeApp();
  const add = async (over: Parameters<typeof mediaInput>[0]) => {
    const m = await t.store.media.create(mediaInput(over));
    t.app.kiosque.search.upsert(m);
    return m.id;
  };
  id = await add({ title: 'Carnaval', slug: 'carnaval', views: 5 });
  other = await add({ title: 'Marché', slug: 'marche', views: 6 });
  draft = await add({ title: 'Brouillon', slug: 'brouillon', status: 'draft' });
});
after(() => t.close());

// Each call is another visitor (a browser's User-Agent with a number), unless `visitor` repeats one.
let visitors = 0;
const browser = (n: number) => `Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 Kiosque-test/${n}`;
const page = (path: string, method: 'get' | 'head' = 'get', userAgent = browser(++visitors)) => request(t.app)[method](path).set('Accept', 'text/html').set('Host', 'kiosque.test').set('User-Agent', userAgent);
const stored = async (mediaId: string) => (await t.store.media.get(mediaId))!.views;

test('every media page shown counts, from the page cache too; redirects, 404s, HEAD and other pages do not', async () => {
  await page(`/media/${id}/carnaval`).expect(200);
  const cached = await page(`/media/${id}/carnaval`).expect(200);
  assert.equal(cached.headers['x-page-cache'], 'hit', 'the second view came from the page cache');
  await page(`/media/${id}`).expect(301);
  await page(`/media/${id}/wrong-slug`).expect(301);
  await page(`/media/${id}/carnaval`, 'head').expect(200);
  await page(`/media/${draft}/brouillon`).expect(404);
  await page('/media/999999').expect(404);
  await page('/').expect(200);
  assert.equal(await stored(id), 5, 'nothing written before the flush');

  assert.equal(await t.app.kiosque.views.flush(), 1);
  assert.equal(await stored(id), 7);
  assert.equal(await stored(other), 6);
  assert.equal(await stored(draft), 0);
  assert.equal(await t.app.kiosque.views.flush(), 0, 'nothing left to write');
});

test('a visitor reloading a page counts once; robots and clients without a User-Agent do not count', async () => {
  const before = await stored(other);
  const reader = browser(++visitors);
  await page(`/media/${other}/marche`, 'get', reader).expect(200);
  const again = await page(`/media/${other}/marche`, 'get', reader).expect(200);
  assert.equal(again.headers['x-page-cache'], 'hit');
  await page(`/media/${other}/marche`, 'get', reader).expect(200);
  await page(`/media/${other}/marche`, 'get', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)').expect(200);
  await page(`/media/${other}/marche`, 'get', 'curl/8.5.0').expect(200);
  await request(t.app).get(`/media/${other}/marche`).set('Accept', 'text/html').unset('User-Agent').expect(200);
  // The same person on their other media page, and someone else on this one, do count.
  await page(`/media/${id}/carnaval`, 'get', reader).expect(200);
  await page(`/media/${other}/marche`).expect(200);
  const idBefore = await stored(id);
  await t.app.kiosque.views.flush();
  assert.equal(await stored(other), before + 2, 'the reader once, the other visitor once');
  assert.equal(await stored(id), idBefore + 1);
});

test('sorting by popularity follows the new counts', async () => {
  const top = async () => (await request(t.app).get('/api/v1/media?sort=popularity&order=desc').expect(200)).body.items[0].id;
  const before = await top();
  const behind = before === id ? other : id;
  const gap = (await stored(before)) - (await stored(behind)) + 1;
  for (let i = 0; i < gap; i++) await page(`/media/${behind}/${behind === id ? 'carnaval' : 'marche'}`).expect(200);
  await t.app.kiosque.views.flush();
  assert.equal(await top(), behind);
});

test('a staff member viewing a draft counts; views are written when the app closes', async () => {
  const s = await makeApp();
  const m = await s.store.media.create(mediaInput({ title: 'Brouillon', slug: 'brouillon', status: 'draft' }));
  s.app.kiosque.search.upsert(m);
  await addUser(s, 'ed', 'editor');
  const ed = await signIn(s, 'ed');
  await ed.get(`/media/${m.id}/brouillon`).set('Accept', 'text/html').set('User-Agent', browser(1)).expect(200);
  await ed.get(`/media/${m.id}/brouillon`).set('Accept', 'text/html').set('User-Agent', browser(2)).expect(200);
  await s.close({ keepData: true });
  const reopened = await openLowdbStore({ dataDir: s.dataDir });
  try {
    assert.equal((await reopened.media.get(m.id))!.views, 2);
  } finally {
    await reopened.close();
    await rm(s.dataDir, { recursive: true, force: true });
  }
});
