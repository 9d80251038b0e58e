import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import pino from 'pino';
import { openLowdbStore } from '../../core/store/index.ts';
import { reindex, criteria } from '../../core/search/index.ts';
import { makeApp, tempDir } from '../helpers/app.ts';
import { mediaInput } from './fixtures.ts';

test('reindex rebuilds from the store: media written while the index was not told are found after it', async () => {
  const t = await makeApp();
  try {
    const m = await t.store.media.create(mediaInput({ title: 'Oublié par le code média' }));
    const search = t.app.kiosque.search;
    const find = async () => (await search.search(criteria({ q: 'oublie' }), { user: null, source: 'test' })).ids;
    assert.deepEqual(await find(), []);
    const r = await search.reindex();
    assert.equal(r.media, 1);
    assert.deepEqual(await find(), [m.id]);
  } finally {
    await t.close();
  }
});

test('the reindex command function opens nothing itself and reports the count', async () => {
  const dir = await tempDir();
  const store = await openLowdbStore({ dataDir: dir });
  try {
    for (let i = 0; i < 3; i++) await store.media.create(mediaInput({ title: `Photo ${i}` }));
    const r = await reindex({ store, logger: pino({ level: 'silent' }) });
    assert.equal(r.media, 3);
    assert.ok(r.ms >= 0);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
