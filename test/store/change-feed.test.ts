import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { openLowdbStore, onStoreChange, type ChangedArea } from '../../core/store/index.ts';
import { tempDir } from '../helpers/app.ts';

test('every content write is reported once it settles; sessions are not', async () => {
  const dataDir = await tempDir('kiosque-feed-');
  const store = await openLowdbStore({ dataDir });
  try {
    const seen: ChangedArea[] = [];
    const stop = onStoreChange(store, (area) => seen.push(area));
    const alsoSeen: ChangedArea[] = [];
    const stopOther = onStoreChange(store, (area) => alsoSeen.push(area));

    await store.settings.set('skeleton', { siteName: 'Kiosque du port' });
    const sector = await store.sectors.create({ slug: 'photos', title: 'Photos', description: '', order: 0, visible: true, display: 'grid', defaultSort: 'date' });
    await store.sectors.update(sector.id, { title: 'Photographies' });
    await store.plugins.update('intranet', { enabled: true });
    await store.sessions.set({ sid: 'abc', data: {}, expires: Date.now() + 1000 });
    assert.deepEqual(seen, ['settings', 'sectors', 'sectors', 'plugins']);
    assert.deepEqual(alsoSeen, seen);

    stop();
    await store.keywords.create({ groupId: 'g', slug: 'masques', title: 'Masques', description: '' });
    assert.equal(seen.length, 4, 'an unsubscribed listener hears nothing');
    assert.deepEqual(alsoSeen.at(-1), 'keywords');
    stopOther();
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
