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

test('kiosque reindex (CLI) reports the count in the person\'s language', async () => {
  const { runCli } = await import('../../core/cli/main.ts');
  const { Readable, Writable } = await import('node:stream');
  const dir = await tempDir();
  const store = await openLowdbStore({ dataDir: dir });
  for (let i = 0; i < 2; i++) await store.media.create(mediaInput({ title: `Photo ${i}` }));
  await store.close();
  try {
    for (const [LANG, expected] of [['C', /^Search index rebuilt: 2 media in \d+ ms\.$/m], ['fr_FR.UTF-8', /^Index de recherche reconstruit\u00a0: 2 médias en \d+\u00a0ms\.$/m]] as const) {
      let stdout = '';
      const code = await runCli(['reindex'], {
        env: { KIOSQUE_DATA_DIR: dir, LANG },
        stdin: Readable.from([]),
        stdout: new Writable({ write(chunk, _e, cb) { stdout += String(chunk); cb(); } }),
        stderr: new Writable({ write(_c, _e, cb) { cb(); } }),
      });
      assert.equal(code, 0);
      assert.match(stdout, expected);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
