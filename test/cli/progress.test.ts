import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createProgressBar, progressLine } from '../../core/cli/progress.ts';

function sink(isTTY: boolean) {
  const out: string[] = [];
  const stream = Object.assign(new Writable({ write(chunk, _e, cb) { out.push(String(chunk)); cb(); } }), { isTTY, columns: 60 });
  return { stream, out };
}

test('progressLine shows the bar, the count, the rate, the ETA while not done, and the current item', () => {
  assert.equal(progressLine({ done: 6, total: 24, rate: 3, etaSeconds: 6, current: 'a.jpg' }, 'files'), `[${'#'.repeat(6)}${'·'.repeat(18)}] 6/24 files  3.0/s  ETA 6 s  a.jpg`);
  assert.equal(progressLine({ done: 24, total: 24, rate: 3, etaSeconds: 0 }, 'files'), `[${'#'.repeat(24)}] 24/24 files  3.0/s`);
  assert.equal(progressLine({ done: 0, total: 0, rate: 0, etaSeconds: 0 }, 'files'), `[${'#'.repeat(24)}] 0/0 files  0.0/s`);
});

test('on a terminal the bar is redrawn in place and ends its line; elsewhere a line at most every interval, plus the last', () => {
  const tty = sink(true);
  const bar = createProgressBar(tty.stream, 'files');
  for (let done = 0; done <= 3; done++) bar.update({ done, total: 3, rate: 1, etaSeconds: 3 - done });
  bar.end();
  assert.equal(tty.out.length, 5);
  assert.ok(tty.out.slice(0, 4).every((s) => s.startsWith('\r') && s.length === 60), 'each redraw fills the terminal line');
  assert.equal(tty.out[4], '\n');

  const log = sink(false);
  const quiet = createProgressBar(log.stream, 'files', 60_000);
  for (let done = 0; done <= 100; done++) quiet.update({ done, total: 100, rate: 10, etaSeconds: (100 - done) / 10 });
  quiet.end();
  assert.deepEqual(log.out.map((l) => l.split(' ')[1]), ['0/100', '100/100']);
  assert.ok(log.out.every((l) => l.endsWith('\n')));
});
