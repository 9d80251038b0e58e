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
