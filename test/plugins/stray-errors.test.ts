import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createStrayErrorPolicy, pluginOfError } from '../../core/plugins/stray-errors.ts';
import type { PluginInfo } from '../../core/plugins/manager.ts';

const plugin = (id: string): PluginInfo => ({ id, dir: `/srv/kiosque/plugins/${id}`, source: 'folder', state: 'enabled', problems: [], health: null, wanted: true, lastFailure: null });

/** A real pino logger whose lines are kept, parsed. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

const flush = () => new Promise((r) => setImmediate(r));

test('a rejection whose reason is not an Error (a string, undefined, getters that throw, a proxy) is logged without the handler throwing', async () => {
  const { lines, logger } = capture();
  const failures: string[] = [];
  const policy = createStrayErrorPolicy({ plugins: { list: () => [plugin('a')], reportFailure: (id) => failures.push(id) }, logger });
  const throwingGetters = {
    get message(): string {
      throw new Error('getter');
    },
  };
  const badStack = new Error('the stack getter throws');
  Object.defineProperty(badStack, 'stack', {
    get() {
      throw new Error('getter');
    },
  });
  const badCause = new Error('the cause getter throws');
  Object.defineProperty(badCause, 'cause', {
    enumerable: true,
    get() {
      throw new Error('getter');
    },
  });
  const trap = () => {
    throw new Error('trap');
  };
  const proxy = new Proxy({}, { get: trap, ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap, has: trap });
  const reasons: unknown[] = ['a plain string', undefined, throwingGetters, badStack, badCause, proxy];
  for (const reason of reasons) assert.doesNotThrow(() => policy.unhandledRejection(reason));
  assert.doesNotThrow(() => policy.uncaughtException(proxy));
  await flush();
  assert.equal(lines.length, reasons.length + 1);
  assert.deepEqual(lines[0]!.reason, { type: 'string', message: 'a plain string' });
  assert.deepEqual(lines[1]!.reason, { type: 'undefined', message: 'undefined' });
  assert.match(String((lines[3]!.reason as { message: string }).message), /the stack getter throws/);
  assert.equal(lines[6]!.level, 60);
});

test('the plugin blamed is the one its code frames name: not one whose folder is a prefix, not one a message names, and a long message costs no time', () => {
  const plugins = [plugin('a'), plugin('ab'), plugin('b')];
  const err = new Error('reading /srv/kiosque/plugins/b/data.json failed\n    at /srv/kiosque/plugins/b/index.ts:1:1');
  err.stack = `Error: ${err.message}\n    at load (file:///srv/kiosque/plugins/ab/index.ts:12:5)\n    at /srv/kiosque/plugins/a/index.ts:3:1`;
  assert.equal(pluginOfError(err, plugins), 'ab');
  const core = new Error('core');
  core.stack = 'Error: core\n    at run (/srv/kiosque/plugins-extra/a/index.ts:1:1)\n    at /srv/kiosque/core/app.ts:1:1';
  assert.equal(pluginOfError(core, plugins), undefined);

  // A message of slashes, as a request's path may hold: the old parser took seconds (quadratic).
  const long = new Error('/'.repeat(60_000));
  const started = performance.now();
  assert.equal(pluginOfError(long, plugins), undefined);
  assert.ok(performance.now() - started < 500, `${Math.round(performance.now() - started)} ms`);
});

test('a storm of rejections (10,000 from a timer) logs a bounded number of lines per plugin, then says how many were left out', async () => {
  const { lines, logger } = capture();
  let counted = 0;
  // The window outlasts the storm however slow the machine; the server's stop says the count.
  const policy = createStrayErrorPolicy({ plugins: { list: () => [plugin('a')], reportFailure: () => counted++ }, logger, logLimit: { lines: 10, windowMs: 600_000 } });
  const frame = (id: string) => {
    const e = new Error('again');
    e.stack = `Error: again\n    at tick (/srv/kiosque/plugins/${id}/index.ts:1:1)`;
    return e;
  };
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (let i = 0; i < 1000; i++) policy.unhandledRejection(frame('a'));
      if (counted >= 10_000) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  policy.unhandledRejection(new Error('core fails once'));
  await flush();
  assert.equal(counted, 10_000, 'the plugins page still counts every one');
  assert.equal(lines.filter((l) => l.plugin === 'a').length, 10);
  assert.equal(lines.filter((l) => l.plugin === undefined).length, 1, "another source's line is not held back by the storm");
  assert.equal(lines.filter((l) => l.skipped !== undefined).length, 0, 'the window is still open');
  policy.close();
  await flush();
  const summary = lines.find((l) => l.skipped !== undefined);
  assert.ok(summary, 'a line says how many were left out');
  assert.equal(summary.skipped, 9990);
  assert.match(String(summary.msg), /^plugin a: 9990 more promises failed/);
});

test('at the end of its window, a plugin’s count of rejections left out is logged, and a new window starts', async () => {
  const { lines, logger } = capture();
  const policy = createStrayErrorPolicy({ plugins: { list: () => [plugin('a')], reportFailure: () => undefined }, logger, logLimit: { lines: 2, windowMs: 100 } });
  const rejection = () => {
    const e = new Error('again');
    e.stack = 'Error: again\n    at tick (/srv/kiosque/plugins/a/index.ts:1:1)';
    return e;
  };
  for (let i = 0; i < 5; i++) policy.unhandledRejection(rejection());
  // Set after the policy's window timer, so it fires after it however late both are.
  await new Promise((r) => setTimeout(r, 200));
  await flush();
  assert.deepEqual(lines.filter((l) => l.plugin === 'a').map((l) => l.skipped ?? 'line'), ['line', 'line', 3]);
  policy.unhandledRejection(rejection());
  await flush();
  assert.equal(lines.filter((l) => l.plugin === 'a' && l.skipped === undefined).length, 3, 'a new window logs again');
  policy.close();
});
