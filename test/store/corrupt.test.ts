import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openLowdbStore, StoreCorruptError, CURRENT_SCHEMA_VERSION } from '../../core/store/index.ts';
import { migrate, type Migration } from '../../core/store/migrations.ts';
import { tempDir } from '../helpers/app.ts';
import { sampleMedia } from '../helpers/media.ts';

/** A data folder with one user and one media item, closed. */
async function populated(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await tempDir('kiosque-corrupt-');
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = await openLowdbStore({ dataDir: dir });
  await store.users.create({ username: 'alice', displayName: 'Alice', role: 'admin', passwordHash: 'h', disabled: false });
  await store.media.create(sampleMedia('first'));
  await store.close();
  return dir;
}

async function assertRefusedNaming(dir: string, file: string, detail: RegExp): Promise<void> {
  const before = await readFile(file);
  await assert.rejects(openLowdbStore({ dataDir: dir }), (err: Error) => {
    assert.ok(err instanceof StoreCorruptError, String(err));
    assert.ok(err.message.includes(file), err.message);
    assert.match(err.message, detail);
    assert.match(err.message, /restore this file from your backup/);
    return true;
  });
  // Never replaced with defaults: the damaged bytes stay for the person to rescue.
  assert.deepEqual(await readFile(file), before);
}

for (const [name, damage, detail] of [
  ['truncated JSON', (text: string) => text.slice(0, Math.floor(text.length / 2)), /invalid JSON/],
  ['invalid JSON', () => '{"items": {"x": nope}}', /invalid JSON/],
  ['an empty file', () => '', /the file is empty/],
  ['valid JSON without items', () => '{"things": []}', /missing "items"/],
] as const) {
  test(`users.json with ${name}: open refuses, naming the file, and leaves it untouched`, async (t) => {
    const dir = await populated(t);
    const file = path.join(dir, 'db', 'users.json');
    await writeFile(file, damage(await readFile(file, 'utf8')));
    await assertRefusedNaming(dir, file, detail);
    // The refused open released its lock: after a repair the folder opens again.
    await writeFile(file, '{"items":{}}');
    const store = await openLowdbStore({ dataDir: dir });
    await store.close();
  });
}

test('a corrupt media shard is refused the same way', async (t) => {
  const dir = await populated(t);
  const file = path.join(dir, 'db', 'media', 'shard-00000.json');
  await writeFile(file, (await readFile(file, 'utf8')).slice(0, 40));
  await assertRefusedNaming(dir, file, /invalid JSON/);
});

test('data written by a newer schema version is refused, and not touched', async (t) => {
  const dir = await populated(t);
  const file = path.join(dir, 'db', 'meta.json');
  const meta = JSON.parse(await readFile(file, 'utf8')) as { schemaVersion: number };
  meta.schemaVersion = CURRENT_SCHEMA_VERSION + 1;
  await writeFile(file, JSON.stringify(meta));
  const before = await readFile(file);
  await assert.rejects(openLowdbStore({ dataDir: dir }), /written by a newer Kiosque \(schema 2; this version knows up to 1\)/);
  assert.deepEqual(await readFile(file), before);
});

test('data at an older schema version is migrated and the new version recorded', async (t) => {
  const dir = await populated(t);
  const file = path.join(dir, 'db', 'meta.json');
  await writeFile(file, JSON.stringify({ ...(JSON.parse(await readFile(file, 'utf8')) as object), schemaVersion: 0 }));
  const steps: string[] = [];
  const store = await openLowdbStore({ dataDir: dir, onMigrate: (d, v) => steps.push(`${v}: ${d}`) });
  await store.close();
  assert.deepEqual(steps, ['1: initial layout']);
  assert.equal((JSON.parse(await readFile(file, 'utf8')) as { schemaVersion: number }).schemaVersion, CURRENT_SCHEMA_VERSION);
});

test('the migration runner applies the missing steps in order and stops at a gap', async () => {
  const log: string[] = [];
  const step = (version: number): Migration<string[]> => ({ version, description: `to ${version}`, up: async (h) => void h.push(`up ${version}`) });
  const migrations = [step(3), step(1), step(2), step(4)];
  const seen: number[] = [];
  assert.equal(await migrate(1, migrations, log, (m) => seen.push(m.version), 3), 3);
  assert.deepEqual(log, ['up 2', 'up 3']);
  assert.deepEqual(seen, [2, 3]);
  await assert.rejects(migrate(0, [step(1), step(3)], [], undefined, 3), /Missing migration to schema 2/);
  await assert.rejects(migrate(5, migrations, [], undefined, 4), /newer Kiosque \(schema 5; this version knows up to 4\)/);
  assert.equal(await migrate(4, migrations, [], undefined, 4), 4);
});
