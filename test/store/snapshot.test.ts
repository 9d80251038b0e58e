import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CURRENT_SCHEMA_VERSION, openLowdbStore, StoreSnapshotError, type Media, type StoreSnapshot } from '../../core/store/index.ts';
import { SHARD_SIZE } from '../../core/store/lowdb/media.ts';
import { tempDir } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';

async function openTemp(t: { after(fn: () => Promise<void>): void }) {
  const dataDir = await tempDir('kiosque-snapshot-');
  const store = await openLowdbStore({ dataDir });
  t.after(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return { dataDir, store };
}

/** The snapshot's files, parsed, by path. */
async function contents(snapshot: StoreSnapshot): Promise<Record<string, { items?: Record<string, Record<string, unknown>> } & Record<string, unknown>>> {
  const out: Record<string, never> = {};
  for (const f of snapshot.files) (out as Record<string, unknown>)[f.path] = JSON.parse(Buffer.from(await f.read()).toString('utf8'));
  return out;
}

test('a snapshot holds every write made before it, none made after it even when read later, and no change half-made', async (t) => {
  const { store } = await openTemp(t);
  // Media on two shards, so one updateMany spans two files.
  const ids: string[] = [];
  for (let i = 0; i < SHARD_SIZE + 5; i++) ids.push((await store.media.create(mediaRecord({ title: `old-${i}`, description: `old-${i}` }))).id);
  const spanning = [ids[3]!, ids[SHARD_SIZE + 2]!];
  assert.notEqual(Math.floor(Number(spanning[0]) / SHARD_SIZE), Math.floor(Number(spanning[1]) / SHARD_SIZE));
  await store.sectors.create({ slug: 'before', title: 'Before', description: '', order: 1, visible: true, display: 'grid', defaultSort: 'date' });

  // In flight when the snapshot is asked for: started, not yet on disk.
  const inFlight = store.media.updateMany(spanning, (m) => ({ title: m.title.replace('old', 'new'), description: m.description.replace('old', 'new') }));
  const snapshotting = store.snapshot();
  // After it: none of these may show up, although the files are read later.
  const after = Promise.all([
    store.media.update(ids[0]!, { title: 'after', description: 'after' }),
    store.sectors.create({ slug: 'after', title: 'After', description: '', order: 2, visible: true, display: 'grid', defaultSort: 'date' }),
    store.media.create(mediaRecord({ title: 'created after' })),
  ]);
  const snapshot = await snapshotting;
  await Promise.all([inFlight, after]);

  const files = await contents(snapshot);
  assert.equal(snapshot.schemaVersion, CURRENT_SCHEMA_VERSION);
  assert.equal(files['db/meta.json']!.schemaVersion, CURRENT_SCHEMA_VERSION);
  const records = Object.assign({}, ...Object.entries(files).filter(([p]) => p.startsWith('db/media/')).map(([, f]) => f.items)) as Record<string, Media>;
  assert.equal(Object.keys(records).length, ids.length, 'the media created after is not in it');
  for (const id of spanning) assert.deepEqual([records[id]!.title, records[id]!.description], [`new-${ids.indexOf(id)}`, `new-${ids.indexOf(id)}`], 'the change in flight, in both shards');
  assert.equal(records[ids[0]!]!.title, 'old-0', 'the edit made after is not in it');
  assert.deepEqual(Object.values(files['db/sectors.json']!.items!).map((s) => s.slug), ['before']);
  assert.equal([...snapshot.media()].length, ids.length);
  // The live store has everything.
  assert.equal((await store.media.get(ids[0]!))!.title, 'after');
  assert.equal((await store.sectors.list()).length, 2);
});

test('a snapshot resolves once what it holds is on disk', async (t) => {
  const { store, dataDir } = await openTemp(t);
  void store.users.create({ username: 'zoe', displayName: 'Zoé', role: 'editor', passwordHash: 'x', disabled: false });
  const snapshot = await store.snapshot();
  const onDisk = JSON.parse(await readFile(path.join(dataDir, 'db', 'users.json'), 'utf8')) as { items: Record<string, { username: string }> };
  assert.deepEqual(Object.values(onDisk.items).map((u) => u.username), ['zoe']);
  const inSnapshot = await contents(snapshot);
  assert.deepEqual(Object.values(inSnapshot['db/users.json']!.items!).map((u) => u.username), ['zoe']);
});

test('a snapshot refuses to hold a write the store had to undo', async (t) => {
  const { store, dataDir } = await openTemp(t);
  // A folder where the users file goes: its next write cannot be renamed into place.
  const file = path.join(dataDir, 'db', 'users.json');
  await rm(file, { force: true });
  await mkdir(path.join(file, 'blocker'), { recursive: true });
  const failing = store.users.create({ username: 'lost', displayName: '', role: 'member', passwordHash: 'x', disabled: false });
  failing.catch(() => {});
  await assert.rejects(store.snapshot(), StoreSnapshotError);
  await assert.rejects(failing);
  assert.equal(await store.users.count(), 0, 'the store undid it');
  // Once the disk is well again, a snapshot works.
  await rm(file, { recursive: true, force: true });
  await writeFile(file, '{"items":{}}');
  const snapshot = await store.snapshot();
  assert.deepEqual((await contents(snapshot))['db/users.json']!.items, {});
});

test('sessions and named settings can be left out; dataSize counts the database', async (t) => {
  const { store } = await openTemp(t);
  await store.sessions.set({ sid: 's1', data: {}, expires: Date.now() + 60_000 });
  await store.settings.set('_secret', 'do not copy');
  await store.settings.set('skeleton', { siteName: 'Kept' });
  const full = await contents(await store.snapshot());
  assert.ok(full['db/sessions.json']!.items!.s1);
  assert.equal(full['db/settings.json']!.items!._secret, 'do not copy');
  const backup = await contents(await store.snapshot({ withoutSessions: true, withoutSettings: ['_secret'] }));
  assert.equal(backup['db/sessions.json'], undefined);
  assert.deepEqual(Object.keys(backup['db/settings.json']!.items!), ['skeleton']);
  assert.equal((await store.settings.get('_secret')), 'do not copy', 'the store keeps it');
  assert.ok((await store.dataSize()) > 0);
});
