import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { openLowdbStore } from '../../core/store/index.ts';
import { writeStats } from '../../core/store/lowdb/durable-file.ts';
import { SHARD_SIZE } from '../../core/store/lowdb/media.ts';
import { tempDir } from '../helpers/app.ts';
import { sampleMedia, seedNextMediaId } from '../helpers/media.ts';

async function withDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await tempDir('kiosque-store-');
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('a writer killed with SIGKILL mid-loop leaves complete, readable files', async (t) => {
  const dir = await withDir(t);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '..', 'fixtures', 'store-writer.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let lastDone = 0;
  // Kill it at an arbitrary moment once it has written a few dozen rounds, while writes are in flight.
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited early: ${code}`))));
    child.stdout.on('data', (chunk: Buffer) => {
      const rounds = String(chunk).trim().split('\n').map(Number);
      lastDone = rounds[rounds.length - 1]!;
      if (lastDone >= 40) child.kill('SIGKILL');
    });
  });
  assert.ok(lastDone >= 40);

  // Every data file on disk parses on its own (no half-written JSON; a write cut short leaves at
  // most a temporary file beside it)...
  const dbDir = path.join(dir, 'db');
  const mediaDir = path.join(dbDir, 'media');
  const files = [...(await readdir(dbDir)).filter((n) => n.endsWith('.json')).map((n) => path.join(dbDir, n)), ...(await readdir(mediaDir)).filter((n) => n.endsWith('.json')).map((n) => path.join(mediaDir, n))];
  for (const file of files) JSON.parse(await readFile(file, 'utf8'));

  // ...and the store reopens (taking over the dead writer's lock, clearing temporary files) with every acknowledged round intact.
  const store = await openLowdbStore({ dataDir: dir });
  t.after(() => store.close());
  const leftovers = [...(await readdir(dbDir)), ...(await readdir(mediaDir))].filter((n) => n.endsWith('.tmp'));
  assert.deepEqual(leftovers, [], 'no temporary file survives reopening');
  const round = (await store.settings.get<number>('round'))!;
  assert.ok(round >= lastDone, `round ${round} < acknowledged ${lastDone}`);
  for (let i = 1; i <= round; i++) {
    assert.deepEqual(await store.settings.get(`item-${i}`), { round: i, payload: 'x'.repeat(2000) }, `settings item ${i}`);
    const u = await store.users.getByUsername(`user${i}`);
    assert.equal(u?.passwordHash, `hash-${i}`, `user ${i}`);
  }
  const media = await store.media.list();
  const titles = new Set(media.map((m) => m.title));
  for (let i = 1; i <= round; i++) assert.ok(titles.has(`media ${i}`), `media ${i}`);
  for (const m of media) assert.equal(m.description, 'x'.repeat(2000));
  // The id counter is ahead of every stored id, so no id is ever handed out twice.
  const meta = JSON.parse(await readFile(path.join(dbDir, 'meta.json'), 'utf8')) as { nextMediaId: number };
  assert.ok(media.every((m) => Number(m.id) < meta.nextMediaId));
  assert.equal(new Set(media.map((m) => m.id)).size, media.length);
});

test('200 concurrent updates of users and settings are all kept, also after reopening', async (t) => {
  const dir = await withDir(t);
  let store = await openLowdbStore({ dataDir: dir });
  const users = await Promise.all(Array.from({ length: 20 }, (_, i) => store.users.create({ username: `u${i}`, displayName: '', role: 'member', passwordHash: 'h', disabled: false })));
  await Promise.all(
    Array.from({ length: 200 }, (_, i) => Promise.all([store.users.update(users[i % 20]!.id, { displayName: `name ${i}` }), store.settings.set(`k${i}`, i)])),
  );
  const check = async () => {
    for (let i = 0; i < 200; i++) assert.equal(await store.settings.get(`k${i}`), i);
    // The last update of each user wins: indices 180..199.
    for (let j = 0; j < 20; j++) assert.equal((await store.users.get(users[j]!.id))?.displayName, `name ${180 + j}`);
  };
  await check();
  await store.close();
  store = await openLowdbStore({ dataDir: dir });
  t.after(() => store.close());
  await check();
});

test('concurrent media edits across shards and within one shard all persist', async (t) => {
  const dir = await withDir(t);
  await seedNextMediaId(dir, SHARD_SIZE - 5); // ids straddle shard 0 and shard 1
  let store = await openLowdbStore({ dataDir: dir });
  const created = await Promise.all(Array.from({ length: 10 }, (_, i) => store.media.create(sampleMedia(`m${i}`))));
  const shards = new Set(created.map((m) => Math.floor(Number(m.id) / SHARD_SIZE)));
  assert.equal(shards.size, 2);
  await Promise.all(created.flatMap((m) => Array.from({ length: 10 }, (_, k) => store.media.update(m.id, k === 9 ? { title: `${m.title} final`, views: 9 } : { views: k }))));
  await store.close();
  store = await openLowdbStore({ dataDir: dir });
  t.after(() => store.close());
  for (const m of created) {
    const got = await store.media.get(m.id);
    assert.equal(got?.title, `${m.title} final`);
    assert.equal(got?.views, 9);
  }
  assert.equal(await store.media.count(), 10);
});

test('a media edit writes only its own shard', async (t) => {
  const dir = await withDir(t);
  await seedNextMediaId(dir, 1);
  const store = await openLowdbStore({ dataDir: dir });
  t.after(() => store.close());
  const big = 'y'.repeat(500);
  // Fill shard 0 with many items, then put one item in shard 1.
  await Promise.all(Array.from({ length: SHARD_SIZE - 1 }, (_, i) => store.media.create(sampleMedia(`a${i}`, { description: big }))));
  const lone = await store.media.create(sampleMedia('lone'));
  assert.equal(Math.floor(Number(lone.id) / SHARD_SIZE), 1);
  const shard0 = (await readFile(path.join(dir, 'db', 'media', 'shard-00000.json'))).length;
  const shard1 = (await readFile(path.join(dir, 'db', 'media', 'shard-00001.json'))).length;
  assert.ok(shard0 > 100 * shard1);

  const before = { ...writeStats };
  await store.media.update(lone.id, { title: 'lone, renamed' });
  const bytes = writeStats.bytes - before.bytes;
  assert.equal(writeStats.files - before.files, 1);
  assert.ok(bytes <= shard1 + 100, `wrote ${bytes} bytes for a ${shard1}-byte shard`);
});
