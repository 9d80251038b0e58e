import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openLowdbStore } from '../../core/store/index.ts';
import { tempDir } from '../helpers/app.ts';

function openInChild(dir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '..', 'fixtures', 'open-store.ts'), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += String(c)));
    child.stderr.on('data', (c: Buffer) => (stderr += String(c)));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('a second process opening a data folder in use is refused with a clear message', async (t) => {
  const dir = await tempDir('kiosque-lock-');
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = await openLowdbStore({ dataDir: dir });
  await store.settings.set('kept', 1);
  const refused = await openInChild(dir);
  assert.equal(refused.code, 3);
  assert.match(refused.stderr, /StoreLockedError/);
  assert.ok(refused.stderr.includes(path.resolve(dir)), refused.stderr);
  assert.match(refused.stderr, new RegExp(`in use by another Kiosque process \\(pid ${process.pid}\\)`));
  assert.match(refused.stderr, /Stop that process first/);
  // The refused process changed nothing: the holder still has its lock and its data.
  assert.equal((await readFile(path.join(dir, 'kiosque.lock'), 'utf8')).trim(), String(process.pid));
  assert.equal(await store.settings.get('kept'), 1);

  await store.close();
  const opened = await openInChild(dir);
  assert.equal(opened.code, 0, opened.stderr);
  assert.equal(opened.stdout.trim(), 'opened');
});

test('a stale lock left by a dead process is taken over', async (t) => {
  const dir = await tempDir('kiosque-lock-');
  t.after(() => rm(dir, { recursive: true, force: true }));
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const deadPid = Number(dead.stdout);
  assert.ok(deadPid > 0);
  await writeFile(path.join(dir, 'kiosque.lock'), String(deadPid));
  const store = await openLowdbStore({ dataDir: dir });
  t.after(() => store.close());
  assert.equal((await readFile(path.join(dir, 'kiosque.lock'), 'utf8')).trim(), String(process.pid));
});
