import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { openLowdbStore, onStoreChange, storeListenerCount, type ChangedArea } from '../../core/store/index.ts';
import { tempDir } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';

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

test('each report names the records the write touched: the id a create assigned, the id or ids written, the setting key', async () => {
  const dataDir = await tempDir('kiosque-feed-');
  const store = await openLowdbStore({ dataDir });
  try {
    const seen: Array<[ChangedArea, readonly string[]]> = [];
    const stop = onStoreChange(store, (area, ids) => seen.push([area, [...ids]]));
    const a = await store.media.create(mediaRecord({ title: 'Un' }));
    const b = await store.media.create(mediaRecord({ title: 'Deux' }));
    await store.media.update(a.id, { title: 'Premier' });
    await store.media.updateMany([a.id, b.id, '999'], () => ({ views: 1 }));
    await store.media.delete(b.id);
    await store.media.update('999', { title: 'nobody' });
    await store.settings.set('skeleton', { siteName: 'Kiosque' });
    await assert.rejects(store.users.create({ username: 'same', displayName: 'A', role: 'member', passwordHash: 'x', disabled: false }).then(() => store.users.create({ username: 'SAME', displayName: 'B', role: 'member', passwordHash: 'x', disabled: false })));
    const user = (await store.users.getByUsername('same'))!;
    assert.notEqual(a.id, b.id);
    assert.deepEqual(seen, [
      ['media', [a.id]],
      ['media', [b.id]],
      ['media', [a.id]],
      ['media', [a.id, b.id, '999']],
      ['media', [b.id]],
      ['media', ['999']],
      ['settings', ['skeleton']],
      ['users', [user.id]],
      ['users', []],
    ]);
    stop();
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('aborting a signal unsubscribes every listener given it, on every store; an aborted signal subscribes nothing', async () => {
  const dirs = [await tempDir('kiosque-feed-'), await tempDir('kiosque-feed-')];
  const [one, two] = [await openLowdbStore({ dataDir: dirs[0]! }), await openLowdbStore({ dataDir: dirs[1]! })];
  try {
    const closing = new AbortController();
    const seen: string[] = [];
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    // More than the ten listeners Node allows on one signal before it warns: they share one.
    for (let i = 0; i < 12; i++) onStoreChange(one, (area) => seen.push(`one:${area}`), { signal: closing.signal });
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    assert.deepEqual(warnings, []);
    onStoreChange(two, (area) => seen.push(`two:${area}`), { signal: closing.signal });
    const stopEarly = onStoreChange(two, (area) => seen.push(`early:${area}`), { signal: closing.signal });
    const kept = onStoreChange(two, (area) => seen.push(`kept:${area}`));
    stopEarly();
    assert.deepEqual([storeListenerCount(one), storeListenerCount(two)], [12, 2]);
    await two.settings.set('skeleton', {});
    assert.deepEqual(seen, ['two:settings', 'kept:settings']);

    closing.abort();
    assert.deepEqual([storeListenerCount(one), storeListenerCount(two)], [0, 1]);
    await one.settings.set('skeleton', {});
    await two.settings.set('skeleton', {});
    assert.deepEqual(seen.slice(2), ['kept:settings'], 'only the listener without the signal still hears');

    onStoreChange(one, (area) => seen.push(`late:${area}`), { signal: closing.signal });
    assert.equal(storeListenerCount(one), 0, 'an aborted signal subscribes nothing');
    kept();
    assert.equal(storeListenerCount(two), 0);
  } finally {
    await Promise.all([one.close(), two.close()]);
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
});
