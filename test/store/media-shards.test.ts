import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openLowdbStore, StoreCorruptError, type Store } from '../../core/store/index.ts';
import { writeStats } from '../../core/store/lowdb/durable-file.ts';
import { SHARD_SIZE } from '../../core/store/lowdb/media.ts';
import { ROOT_DIR } from '../../core/app.ts';
import { writeDataset } from '../../bench/lib/media-data.ts';
import { tempDir } from '../helpers/app.ts';

const COUNT = SHARD_SIZE * 4;

async function withStore(fn: (store: Store, dataDir: string) => Promise<void>): Promise<void> {
  const dataDir = await tempDir('kiosque-shards-');
  await writeDataset(dataDir, COUNT);
  const store = await openLowdbStore({ dataDir });
  try {
    await fn(store, dataDir);
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const shardFiles = async (dataDir: string) => (await readdir(path.join(dataDir, 'db', 'media'))).filter((n) => n.endsWith('.json')).sort();

test('an edit rewrites only the shard of the changed record', async () => {
  await withStore(async (store, dataDir) => {
    const shardBytes = (await readFile(path.join(dataDir, 'db', 'media', (await shardFiles(dataDir))[1]!))).length;
    const before = { ...writeStats };
    await store.media.update(String(SHARD_SIZE + 3), { title: 'Une seule fiche' });
    assert.equal(writeStats.files - before.files, 1, 'one file written');
    const written = writeStats.bytes - before.bytes;
    assert.ok(written < shardBytes * 1.1 && written > shardBytes * 0.9, `${written} bytes written for a ${shardBytes}-byte shard`);
    assert.ok(written < (shardBytes * COUNT) / SHARD_SIZE / 2, 'far less than the library');
  });
});

test('concurrent edits within one shard and across shards all persist', async () => {
  const dataDir = await tempDir('kiosque-shards-');
  await writeDataset(dataDir, COUNT);
  let store = await openLowdbStore({ dataDir });
  const sameShard = Array.from({ length: 20 }, (_, i) => String(SHARD_SIZE + 1 + i));
  const across = Array.from({ length: 20 }, (_, i) => String(1 + ((i * 97) % (COUNT - 1))));
  const ids = [...new Set([...sameShard, ...across])];
  await Promise.all(ids.map((id) => store.media.update(id, { title: `Titre ${id} modifié 🎭` })));
  await store.close();
  store = await openLowdbStore({ dataDir });
  try {
    for (const id of ids) assert.equal((await store.media.get(id))?.title, `Titre ${id} modifié 🎭`, `media ${id}`);
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('list() hands out frozen records: safe to keep, refused if modified', async () => {
  await withStore(async (store) => {
    const all = await store.media.list();
    assert.equal(all.length, COUNT);
    const first = all[0]!;
    assert.throws(() => {
      first.title = 'changed behind the store';
    }, TypeError);
    assert.throws(() => first.keywordIds.push('x'), TypeError);
    await store.media.update(first.id, { title: 'Changed through the store' });
    assert.notEqual(first.title, 'Changed through the store', 'a kept record is a snapshot');
    assert.equal((await store.media.get(first.id))?.title, 'Changed through the store');
  });
});

test('startup refuses a corrupt shard and names the file', async () => {
  const dataDir = await tempDir('kiosque-shards-');
  await writeDataset(dataDir, COUNT);
  const victim = path.join(dataDir, 'db', 'media', (await shardFiles(dataDir))[2]!);
  await writeFile(victim, '{"items": {"1": {"id": "1", "tit');
  await assert.rejects(openLowdbStore({ dataDir }), (err: Error) => err instanceof StoreCorruptError && err.message.includes(victim));
  await rm(dataDir, { recursive: true, force: true });
});

test('a SIGKILL during a burst of edits leaves every shard readable and consistent', { timeout: 60_000 }, async () => {
  const dataDir = await tempDir('kiosque-shards-');
  await writeDataset(dataDir, COUNT);
  const script = `
    import { openLowdbStore } from './core/store/index.ts';
    const store = await openLowdbStore({ dataDir: ${JSON.stringify(dataDir)} });
    let n = 0;
    process.stdout.write('ready\\n');
    for (;;) {
      const batch = [];
      for (let i = 0; i < 20; i++) { n++; batch.push(store.media.update(String(1 + (n * 31) % ${COUNT - 1}), { title: 'Burst ' + n, description: 'x'.repeat(n % 500) })); }
      await Promise.all(batch);
    }`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  await new Promise((r) => setTimeout(r, 400));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));

  const store = await openLowdbStore({ dataDir }); // parses every shard, takes over the dead process's lock
  try {
    assert.equal(await store.media.count(), COUNT);
    for (const id of ['1', String(SHARD_SIZE), String(COUNT)]) assert.equal((await store.media.get(id))?.id, id);
    const leftovers = (await readdir(path.join(dataDir, 'db', 'media'))).filter((n) => n.endsWith('.tmp'));
    assert.deepEqual(leftovers, [], 'temporary files are cleaned at start');
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('getMany() gives the asked media in the asked order, leaves out unknown ids, and hands out frozen records', async () => {
  await withStore(async (store) => {
    const all = await store.media.list();
    const ids = [all[5]!.id, 'nope', all[1]!.id, '999999', all[150]!.id];
    const got = await store.media.getMany(ids);
    assert.deepEqual(got.map((m) => m.id), [all[5]!.id, all[1]!.id, all[150]!.id]);
    assert.deepEqual(got[0], await store.media.get(all[5]!.id));
    assert.throws(() => {
      got[0]!.title = 'changed behind the store';
    }, TypeError);
    assert.deepEqual(await store.media.getMany([]), []);
  });
});

test('latest() pages through the library newest first, across shards, as sorting list() would', async () => {
  await withStore(async (store) => {
    await store.media.delete(String(SHARD_SIZE * 2 + 5));
    const expected = (await store.media.list()).map((m) => m.id).sort((a, b) => Number(b) - Number(a));
    const pageSize = 37;
    const paged: string[] = [];
    for (let offset = 0; offset < expected.length + pageSize; offset += pageSize) {
      const page = await store.media.latest(offset, pageSize);
      assert.ok(page.length <= pageSize);
      paged.push(...page.map((m) => m.id));
    }
    assert.deepEqual(paged, expected);
    assert.deepEqual(await store.media.latest(expected.length, 10), []);
    assert.ok(Object.isFrozen((await store.media.latest(0, 1))[0]));
  });
});
