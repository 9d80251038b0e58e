import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { makeApp, type TestApp } from '../helpers/app.ts';
import { mediaInput } from './fixtures.ts';

let t: TestApp;
const ids: string[] = [];

before(async () => {
  t = await makeApp();
  const kw = t.app.kiosque.keywords;
  const tags = (await kw.group('tags'))!;
  const masques = await kw.create(tags.id, 'Masques');
  const nuit = await kw.create(tags.id, 'Nuit');
  const sector = await t.store.sectors.create({ slug: 'fetes', title: 'Fêtes', description: '', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
  const rows = [
    { title: 'Masques vénitiens', keywordIds: [masques.id, nuit.id], type: 'image' as const, sectorId: sector.id },
    { title: 'Bal masqué', keywordIds: [masques.id], type: 'video' as const },
    { title: 'La nuit', keywordIds: [nuit.id], type: 'audio' as const },
    { title: 'Masques en brouillon', keywordIds: [masques.id], status: 'draft' as const },
  ];
  for (const r of rows) {
    const m = await t.store.media.create(mediaInput(r));
    t.app.kiosque.search.upsert(m);
    ids.push(m.id);
  }
});
after(() => t.close());

const api = (path: string) => request(t.app).get(path).set('Accept', 'application/json');

test('GET /api/v1/media answers { items, total, page, per_page, facets } with the same criteria as /search', async () => {
  const res = await api('/api/v1/media?q=masq&kw=tags/masques').expect(200);
  assert.equal(res.body.total, 2);
  assert.equal(res.body.page, 1);
  assert.equal(res.body.per_page, 24);
  assert.deepEqual(res.body.items.map((i: { id: string }) => i.id).sort(), [ids[0], ids[1]].sort());
  const first = res.body.items.find((i: { id: string }) => i.id === ids[0]);
  assert.deepEqual(first.keywords, ['tags/masques', 'tags/nuit']);
  assert.equal(first.sector, 'fetes');
  assert.equal(first.url, `/media/${ids[0]}`);
  assert.deepEqual(res.body.facets.types, [{ value: 'image', count: 1 }, { value: 'video', count: 1 }]);
  assert.deepEqual(res.body.facets.keywords.map((k: { ref: string; count: number }) => [k.ref, k.count]), [['tags/masques', 2], ['tags/nuit', 1]]);
});

test('keywords AND by default, kw_mode=any for OR; types OR within, AND across', async () => {
  assert.equal((await api('/api/v1/media?kw=tags/masques&kw=tags/nuit').expect(200)).body.total, 1);
  assert.equal((await api('/api/v1/media?kw=tags/masques&kw=tags/nuit&kw_mode=any').expect(200)).body.total, 3);
  assert.equal((await api('/api/v1/media?type=image&type=audio').expect(200)).body.total, 2);
  assert.equal((await api('/api/v1/media?type=image&type=audio&kw=tags/masques').expect(200)).body.total, 1);
});

test('drafts stay invisible to anonymous API callers even when asked for', async () => {
  const res = await api('/api/v1/media?q=brouillon&status=draft').expect(200);
  assert.equal(res.body.total, 0);
});

test('bad parameters give 400 with a JSON error naming the parameter', async () => {
  const cases: Array<[string, string]> = [
    ['per_page=5', 'per_page'],
    ['per_page=101', 'per_page'],
    ['per_page=abc', 'per_page'],
    ['page=0', 'page'],
    ['from=2024-13-01', 'from'],
    ['from=2024-05-01&to=2024-01-01', 'from'],
    ['kw=tags/unknown', 'kw'],
    ['type=hologram', 'type'],
    ['sector=nowhere', 'sector'],
    ['sort=random', 'sort'],
    ['order=up', 'order'],
    ['kw_mode=some', 'kw_mode'],
    ['author=ghost', 'author'],
    ['q=%F0%9F%8E%89', 'q'],
    ['q=%E2%80%94%20!', 'q'],
  ];
  for (const [qs, field] of cases) {
    const res = await api(`/api/v1/media?${qs}`).expect(400);
    assert.equal(res.body.error.field, field, qs);
    assert.equal(typeof res.body.error.code, 'string');
    assert.ok(res.body.error.message.length > 5, qs);
  }
  const fr = await api('/api/v1/media?per_page=5').set('Accept-Language', 'fr').expect(400);
  assert.match(fr.body.error.message, /per_page doit être un nombre entier entre 6 et 100/);
});

test('a page past the end is empty, with the total', async () => {
  const res = await api('/api/v1/media?per_page=6&page=9').expect(200);
  assert.deepEqual(res.body.items, []);
  assert.equal(res.body.total, 3);
});

test('GET /api/v1/keywords serves the autocomplete by group and folded prefix', async () => {
  const res = await api('/api/v1/keywords?group=tags&prefix=MAS').expect(200);
  assert.deepEqual(res.body.items.map((k: { ref: string }) => k.ref), ['tags/masques']);
  assert.equal(res.body.items[0].count, undefined, 'usage counts (drafts included) are for staff only');
  const all = await api('/api/v1/keywords').expect(200);
  assert.equal(all.body.items.length, 2);
  const bad = await api('/api/v1/keywords?group=nope').expect(400);
  assert.equal(bad.body.error.field, 'group');
  assert.equal((await api('/api/v1/keywords?limit=0').expect(400)).body.error.field, 'limit');
});
