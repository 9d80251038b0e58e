import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { cachedRead, openLowdbStore } from '../../core/store/index.ts';
import { tempDir } from '../helpers/app.ts';

test('a cached read is kept until one of its areas is written, and a failed read is not kept', async () => {
  const dataDir = await tempDir('kiosque-cached-read-');
  const store = await openLowdbStore({ dataDir });
  try {
    let reads = 0;
    let fail = false;
    const sectors = cachedRead(store, ['sectors'], async () => {
      reads++;
      if (fail) throw new Error('disk on fire');
      return (await store.sectors.list()).map((s) => s.slug);
    });
    assert.deepEqual(await sectors(), []);
    assert.deepEqual(await sectors(), []);
    assert.equal(reads, 1, 'kept');

    await store.keywordGroups.create({ slug: 'lieux', title: 'Lieux', multiple: true, inNavigation: true, order: 1 });
    await sectors();
    assert.equal(reads, 1, 'a write elsewhere keeps it');

    await store.sectors.create({ slug: 'photos', title: 'Photos', description: '', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
    assert.deepEqual(await sectors(), ['photos'], 'a write to the area is seen at once');
    assert.equal(reads, 2);

    await store.sectors.create({ slug: 'films', title: 'Films', description: '', order: 1, visible: true, display: 'grid', defaultSort: 'date' });
    fail = true;
    await assert.rejects(sectors(), /disk on fire/);
    fail = false;
    assert.deepEqual((await sectors()).sort(), ['films', 'photos'], 'the failure was not kept');
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
