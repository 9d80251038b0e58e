import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { cachedRead, openLowdbStore, storeListenerCount } from '../../core/store/index.ts';
import { tempDir } from '../helpers/app.ts';

test('a cached read is kept until one of its areas is written, and a failed read is not kept', async () => {
  const dataDir = await tempDir('kiosque-cached-read-');
  const store = await openLowdbStore({ dataDir });
  try {
    let reads = 0;
    let fail = false;
    let gate: Promise<void> | null = null;
    const sectors = cachedRead(store, ['sectors'], async () => {
      reads++;
      if (gate) await gate;
      if (fail) throw new Error('disk on fire');
      return (await store.sectors.list()).map((s) => s.slug);
    }, { signal: new AbortController().signal });
    assert.deepEqual(await sectors(), []);
    assert.deepEqual(sectors(), [], 'once read, the answer comes back synchronously');
    assert.equal(reads, 1, 'kept');

    await store.keywordGroups.create({ slug: 'lieux', title: 'Lieux', multiple: true, inNavigation: true, order: 1 });
    await sectors();
    assert.equal(reads, 1, 'a write elsewhere keeps it');

    await store.sectors.create({ slug: 'photos', title: 'Photos', description: '', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
    assert.deepEqual(await sectors(), ['photos'], 'a write to the area is seen at once');
    assert.equal(reads, 2);

    await store.sectors.create({ slug: 'films', title: 'Films', description: '', order: 1, visible: true, display: 'grid', defaultSort: 'date' });
    fail = true;
    await assert.rejects(Promise.resolve(sectors()), /disk on fire/);
    fail = false;
    assert.deepEqual((await sectors()).sort(), ['films', 'photos'], 'the failure was not kept');

    // A read that began before a write to its area answers its callers, but is not kept.
    let release: () => void = () => {};
    gate = new Promise<void>((r) => (release = r));
    await store.sectors.create({ slug: 'sons', title: 'Sons', description: '', order: 2, visible: true, display: 'grid', defaultSort: 'date' });
    const early = sectors();
    assert.ok(early instanceof Promise, 'a read in progress is shared as a promise');
    await store.sectors.create({ slug: 'vents', title: 'Vents', description: '', order: 3, visible: true, display: 'grid', defaultSort: 'date' });
    gate = null;
    release();
    await early;
    const readsBefore = reads;
    assert.deepEqual((await sectors()).sort(), ['films', 'photos', 'sons', 'vents']);
    assert.equal(reads, readsBefore + 1, 'the read begun before the write was not kept');
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a cached read stops listening to the store once its signal is aborted, and then reads afresh', async () => {
  const dataDir = await tempDir('kiosque-cached-read-');
  const store = await openLowdbStore({ dataDir });
  try {
    const before = storeListenerCount(store);
    const closing = new AbortController();
    let reads = 0;
    const sectors = cachedRead(store, ['sectors'], async () => {
      reads++;
      return (await store.sectors.list()).length;
    }, { signal: closing.signal });
    assert.equal(storeListenerCount(store), before + 1);
    assert.equal(await sectors(), 0);
    assert.equal(sectors(), 0, 'kept while listening');

    closing.abort();
    assert.equal(storeListenerCount(store), before, 'the store no longer holds it');
    await store.sectors.create({ slug: 'photos', title: 'Photos', description: '', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
    // Nothing tells it of writes any more: rather than answer from what it kept, it reads every time.
    assert.equal(await sectors(), 1);
    assert.equal(await sectors(), 1);
    assert.equal(reads, 3);
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
