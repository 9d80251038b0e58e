import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createProgressBar, progressLine } from '../../core/cli/progress.ts';
import { cliMessages, type CliIO } from '../../core/cli/shared.ts';

const textFor = (LANG: string) => cliMessages({ env: { LANG } } as unknown as CliIO);
const en = textFor('C');

function sink(isTTY: boolean) {
  const out: string[] = [];
  const stream = Object.assign(new Writable({ write(chunk, _e, cb) { out.push(String(chunk)); cb(); } }), { isTTY, columns: 60 });
  return { stream, out };
}

test('progressLine shows the bar, the count, the rate, the ETA while not done, and the current item', () => {
  assert.equal(progressLine({ done: 6, total: 24, rate: 3, etaSeconds: 6, current: 'a.jpg' }, 'files', en), `[${'#'.repeat(6)}${'·'.repeat(18)}] 6/24 files  3.0/s  ETA 6 s  a.jpg`);
  assert.equal(progressLine({ done: 24, total: 24, rate: 3, etaSeconds: 0 }, 'files', en), `[${'#'.repeat(24)}] 24/24 files  3.0/s`);
  assert.equal(progressLine({ done: 0, total: 0, rate: 0, etaSeconds: 0 }, 'files', en), `[${'#'.repeat(24)}] 0/0 files  0.0/s`);
});

test('progressLine speaks the terminal’s language: French counts, decimals and words when LANG says fr', () => {
  const fr = textFor('fr_FR.UTF-8');
  assert.equal(progressLine({ done: 1500, total: 12000, rate: 2.54, etaSeconds: 4921.2 }, 'fichiers', fr), `[${'#'.repeat(3)}${'·'.repeat(21)}] 1\u202f500/12\u202f000 fichiers  2,5/s  reste 4\u202f922\u00a0s`);
  assert.equal(progressLine({ done: 1500, total: 12000, rate: 2.54, etaSeconds: 4921.2 }, 'files', en), `[${'#'.repeat(3)}${'·'.repeat(21)}] 1,500/12,000 files  2.5/s  ETA 4,922 s`);
  // LC_ALL wins over LANG, as for every program.
  assert.equal(cliMessages({ env: { LANG: 'en_GB.UTF-8', LC_ALL: 'fr_CA.UTF-8' } } as unknown as CliIO).lang, 'fr');
  assert.equal(cliMessages({ env: { LANG: 'de_DE.UTF-8' } } as unknown as CliIO).lang, 'en');
});

test('on a terminal the bar is redrawn in place and ends its line; elsewhere a line at most every interval, plus the last', () => {
  const tty = sink(true);
  const bar = createProgressBar(tty.stream, 'files', en);
  for (let done = 0; done <= 3; done++) bar.update({ done, total: 3, rate: 1, etaSeconds: 3 - done });
  bar.end();
  assert.equal(tty.out.length, 5);
  assert.ok(tty.out.slice(0, 4).every((s) => s.startsWith('\r') && s.length === 60), 'each redraw fills the terminal line');
  assert.equal(tty.out[4], '\n');

  const log = sink(false);
  const quiet = createProgressBar(log.stream, 'files', en, 60_000);
  for (let done = 0; done <= 100; done++) quiet.update({ done, total: 100, rate: 10, etaSeconds: (100 - done) / 10 });
  quiet.end();
  assert.deepEqual(log.out.map((l) => l.split(' ')[1]), ['0/100', '100/100']);
  assert.ok(log.out.every((l) => l.endsWith('\n')));
});
