import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { tempDir } from '../helpers/app.ts';
import { ROOT_DIR } from '../../core/app.ts';
import type { BenchReport } from '../../bench/run.ts';

// Runs the benchmark suite's quick mode so it never rots. No timing is asserted: only that it
// completes and reports every figure; its time limit only catches a hang (it runs ~1.5 min alone,
// near 3 on a machine busy with other suites).
test('npm run bench -- --quick completes and writes a report with every figure', { timeout: 420_000 }, async () => {
  const out = path.join(await tempDir('kiosque-bench-quick-'), 'report.json');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out], { cwd: ROOT_DIR, encoding: 'utf8', timeout: 400_000 });
  assert.equal(r.status, 0, `bench failed:\n${r.stderr}\n${r.stdout}`);
  assert.match(r.stdout, /\| size \| measure/);

  const report = JSON.parse(await readFile(out, 'utf8')) as BenchReport;
  assert.equal(report.quick, true);
  assert.deepEqual(Object.keys(report.sizes), ['200']);
  const { store, http } = report.sizes['200']!;
  for (const key of ['startupMs', 'rssMB', 'listMs'] as const) assert.equal(typeof store[key], 'number', key);
  for (const key of ['edit', 'sequential200', 'concurrent50'] as const) {
    assert.equal(typeof store[key].ms, 'number', `${key}.ms`);
    assert.equal(typeof store[key].blockMs, 'number', `${key}.blockMs`);
  }
  assert.ok(store.edit.bytes > 0, 'an edit writes bytes');
  assert.equal(store.concurrent50.allPersisted, true);
  assert.equal(store.concurrent50.total, 50);

  assert.deepEqual(http.map((h) => h.name), ['homepage', 'media page', 'search', 'search, a new query every request', 'thumbnail', 'homepage while a video is encoded', 'homepage while a video is encoded at the server’s priority', 'homepage while photos are processed', 'homepage while photos are processed at the server’s priority', 'homepage while an editor saves twice a second', 'homepage, signed-in member']);
  const home = http[0]!;
  assert.equal(home.status, 200);
  assert.ok(home.app && home.baseline, 'the homepage was measured');
  for (const side of [home.app, home.baseline]) {
    assert.ok(side.rps > 0, 'requests were served');
    for (const key of ['p50', 'p99'] as const) assert.equal(typeof side[key], 'number');
  }
  assert.equal(home.app.non2xx, 0);
  assert.equal(typeof home.ratio, 'number');
  for (const h of http) if (h.status !== 200) assert.equal(h.app, null);
  // A repeated search comes from the page cache; the row asking a new URL every time never does,
  // and is also measured as its templates alone (bare Express rendering the captured context).
  assert.equal(http[2]!.pageCache, 'hit');
  assert.ok((http[2]!.app?.pageCacheHitShare ?? 0) > 0.9, 'the cache answered the repeated search');
  const search = http[3]!;
  assert.equal(search.status, 200);
  assert.equal(search.app?.pageCacheHitShare, 0, 'the cache answered none of the new URLs');
  assert.ok(search.app && search.app.rps > 0 && search.app.non2xx === 0, 'the search page was rendered for new URLs');
  assert.ok(search.renderAlone && search.renderAlone.rps > 0 && search.renderAlone.non2xx === 0, 'the search page was rendered alone');
  assert.equal(typeof search.renderAloneRatio, 'number');
  assert.equal(home.renderAlone, null);
  // The editor saved while the homepage was measured, and visitors still got their pages.
  const edited = http[9]!;
  assert.ok(edited.app && (edited.app.edits ?? 0) >= 1, 'the editor saved during the run');
  assert.equal(edited.app.non2xx, 0);
  assert.equal(home.app.edits, undefined, 'no editor on the other routes');
  // A video was being encoded while the homepage was measured, at either priority: ffmpeg ran and
  // was stopped, not failed. (How many frames it made in one second on a busy machine is no test:
  // below the server's priority it may get none.)
  // The same for a batch of photos processed meanwhile.
  for (const encoded of [http[5]!, http[6]!, http[7]!, http[8]!]) {
    assert.ok(encoded.app && typeof encoded.app.encodedFps === 'number', `${encoded.name}: the encoding's progress was read`);
    assert.equal(encoded.app.encodeError, undefined);
    assert.equal(encoded.app.non2xx, 0);
  }
  assert.equal(home.app.encodedFps, undefined, 'no encoding on the other routes');
  assert.match(report.table, /http: search, a new query every request, its templates alone/);

  assert.deepEqual(Object.keys(report.optional).sort(), ['derivatives', 'search']);
  assert.equal(typeof report.table, 'string');
});
