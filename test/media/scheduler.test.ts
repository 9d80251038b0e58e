import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../core/config/index.ts';
import { createLogger } from '../../core/logger/index.ts';
import { openLowdbStore, type Media } from '../../core/store/index.ts';
import { createHooks } from '../../core/plugins/hooks.ts';
import { ROOT_DIR } from '../../core/app.ts';
import { createMediaService } from '../../core/media/service.ts';
import { createPublicationScheduler, MAX_TIMER_MS, type Timers } from '../../core/media/scheduler.ts';
import { tempDir } from '../helpers/app.ts';
import { mediaRecord } from '../helpers/media-records.ts';

const T0 = Date.parse('2027-03-12T10:00:00Z');
const DAY = 24 * 3600 * 1000;

/** Timers the test fires by hand: the scheduler never keeps more than one. */
function manualTimers() {
  const armed: Array<{ fn: () => void; ms: number }> = [];
  const timers: Timers = {
    setTimeout(fn, ms) {
      const handle = { fn, ms };
      armed.push(handle);
      return handle;
    },
    clearTimeout(handle) {
      const i = armed.indexOf(handle as (typeof armed)[number]);
      if (i >= 0) armed.splice(i, 1);
    },
  };
  return {
    timers,
    /** The delay of the one armed timer, or undefined when none is. */
    delay(): number | undefined {
      assert.ok(armed.length <= 1, `one timer at most, not ${armed.length}`);
      return armed[0]?.ms;
    },
    fire() {
      const handle = armed.shift();
      assert.ok(handle, 'a timer was armed');
      handle.fn();
    },
  };
}

/** A real store and media service on a clock the test moves, the scheduler on manual timers; publishing the ids put in `failing` throws. */
async function setup() {
  const dataDir = await tempDir('kiosque-scheduler-');
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    level: 'info',
    pretty: false,
    destination: new Writable({
      write(chunk, _enc, cb) {
        for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
        cb();
      },
    }),
  });
  const config = loadConfig({ configDir: path.join(ROOT_DIR, 'config'), env: {}, overrides: { dataDir } });
  const store = await openLowdbStore({ dataDir });
  const clock = { now: T0 };
  const now = () => clock.now;
  const media = createMediaService({ store, config, logger, hooks: createHooks(logger), now });
  const manual = manualTimers();
  const published: string[] = [];
  const failing = new Set<string>();
  const scheduler = createPublicationScheduler({
    store,
    logger,
    now,
    timers: manual.timers,
    retryMs: 60_000,
    publish: async (id) => {
      if (failing.has(id)) throw new Error('disk on fire');
      const m = await media.publishScheduled(id);
      if (m) published.push(id);
      return m;
    },
  });
  let n = 0;
  const draft = async (publishAt?: number, overrides: Partial<Media> = {}) =>
    store.media.create(mediaRecord({ status: 'draft', publishedAt: null, title: `Draft ${++n}`, original: { file: `ab/${n}/original.png`, mime: 'image/png', size: 1, name: 'a.png', sha256: '0' }, ...(publishAt === undefined ? {} : { publishAt: new Date(publishAt).toISOString() }), ...overrides }));
  return {
    store,
    media,
    scheduler,
    manual,
    clock,
    logs,
    published,
    failing,
    draft,
    async close() {
      await scheduler.stop();
      await media.close();
      await store.close();
    },
  };
}

test('a draft due later is published when its timer fires, with its scheduled time as publication date; the next one is armed', async () => {
  const s = await setup();
  const a = await s.draft(T0 + 1000);
  const b = await s.draft(T0 + 5000);
  const plain = await s.draft();
  await s.scheduler.start();
  assert.equal(s.manual.delay(), 1000);
  assert.equal((await s.store.media.get(a.id))?.status, 'draft');

  s.clock.now = T0 + 1000;
  s.manual.fire();
  await s.scheduler.idle();
  const done = await s.store.media.get(a.id);
  assert.deepEqual([done?.status, done?.publishedAt, done?.publishAt], ['published', new Date(T0 + 1000).toISOString(), undefined]);
  assert.equal((await s.store.media.get(b.id))?.status, 'draft');
  assert.equal((await s.store.media.get(plain.id))?.status, 'draft');
  assert.equal(s.manual.delay(), 4000);

  s.clock.now = T0 + 5200;
  s.manual.fire();
  await s.scheduler.idle();
  assert.equal((await s.store.media.get(b.id))?.status, 'published');
  assert.deepEqual(s.published, [a.id, b.id]);
  assert.equal(s.manual.delay(), undefined, 'nothing left to wait for');
  await s.close();
});

test('setting, moving and clearing a schedule through the media service re-arms the timer; a publication by hand cancels it', async () => {
  const s = await setup();
  const m = await s.draft();
  await s.scheduler.start();
  assert.equal(s.manual.delay(), undefined);

  await s.media.update(m.id, { publishAt: new Date(T0 + 2000).toISOString() });
  await s.scheduler.idle();
  assert.equal(s.manual.delay(), 2000);

  s.clock.now = T0 + 500;
  await s.media.update(m.id, { publishAt: new Date(T0 + 9000).toISOString() });
  await s.scheduler.idle();
  assert.equal(s.manual.delay(), 8500);

  await s.media.update(m.id, { publishAt: null });
  await s.scheduler.idle();
  assert.equal(s.manual.delay(), undefined);
  assert.equal((await s.store.media.get(m.id))?.publishAt, undefined);

  await s.media.update(m.id, { publishAt: new Date(T0 + 3000).toISOString() });
  await s.scheduler.idle();
  assert.equal(s.manual.delay(), 2500);
  const byHand = await s.media.update(m.id, { status: 'published' });
  await s.scheduler.idle();
  assert.deepEqual([byHand?.status, byHand?.publishAt, byHand?.publishedAt], ['published', undefined, new Date(T0 + 500).toISOString()]);
  assert.equal(s.manual.delay(), undefined);
  assert.deepEqual(s.published, []);
  await s.close();
});

test('deleting a scheduled draft disarms its timer and arms the next one', async () => {
  const s = await setup();
  const first = await s.draft(T0 + 1000);
  const second = await s.draft(T0 + 7000);
  await s.scheduler.start();
  assert.equal(s.manual.delay(), 1000);
  assert.equal(await s.media.remove(first.id), true);
  await s.scheduler.idle();
  assert.equal(s.manual.delay(), 7000);
  assert.equal(await s.media.remove(second.id), true);
  await s.scheduler.idle();
  assert.equal(s.manual.delay(), undefined);
  assert.deepEqual([...s.scheduler.pending.keys()], []);
  await s.close();
});

test('at start, drafts whose time passed while the server was down are published at once', async () => {
  const s = await setup();
  const overdue = await s.draft(T0 - 3 * DAY);
  const later = await s.draft(T0 + DAY);
  // A published media with a leftover time is not touched.
  const published = await s.store.media.create(mediaRecord({ status: 'published', publishedAt: new Date(T0 - 10 * DAY).toISOString(), publishAt: new Date(T0 - DAY).toISOString() }));
  await s.scheduler.start();
  const done = await s.store.media.get(overdue.id);
  assert.deepEqual([done?.status, done?.publishedAt, done?.publishAt], ['published', new Date(T0 - 3 * DAY).toISOString(), undefined]);
  assert.equal((await s.store.media.get(later.id))?.status, 'draft');
  assert.equal((await s.store.media.get(published.id))?.publishedAt, new Date(T0 - 10 * DAY).toISOString());
  assert.deepEqual(s.published, [overdue.id]);
  assert.equal(s.manual.delay(), DAY);
  await s.close();
});

test('a publication that fails is logged and retried later; the next one still goes out', async () => {
  const s = await setup();
  const failing = await s.draft(T0 - 2000);
  const next = await s.draft(T0 - 1000);
  s.failing.add(failing.id);
  await s.scheduler.start();
  assert.equal((await s.store.media.get(failing.id))?.status, 'draft');
  assert.equal((await s.store.media.get(next.id))?.status, 'published');
  const logged = s.logs.find((l) => l.msg === 'scheduled publication failed; it will be tried again');
  assert.equal(logged?.mediaId, failing.id);
  assert.equal(s.manual.delay(), 60_000, 'tried again after retryMs, not in a tight loop');
  s.failing.clear();
  s.clock.now = T0 + 60_000;
  s.manual.fire();
  await s.scheduler.idle();
  assert.equal((await s.store.media.get(failing.id))?.status, 'published');
  await s.close();
});

test('a time further than setTimeout can wait (24.8 days) is reached in steps', async () => {
  const s = await setup();
  const far = await s.draft(T0 + 30 * DAY);
  await s.scheduler.start();
  assert.equal(s.manual.delay(), MAX_TIMER_MS);
  s.clock.now = T0 + MAX_TIMER_MS;
  s.manual.fire();
  await s.scheduler.idle();
  assert.equal((await s.store.media.get(far.id))?.status, 'draft', 'not before its time');
  assert.equal(s.manual.delay(), 30 * DAY - MAX_TIMER_MS);
  s.clock.now = T0 + 30 * DAY;
  s.manual.fire();
  await s.scheduler.idle();
  assert.equal((await s.store.media.get(far.id))?.status, 'published');
  await s.close();
});

test('once stopped, the scheduler arms nothing and publishes nothing', async () => {
  const s = await setup();
  const m = await s.draft(T0 + 1000);
  await s.scheduler.start();
  assert.equal(s.manual.delay(), 1000);
  await s.scheduler.stop();
  assert.equal(s.manual.delay(), undefined);
  await s.media.update(m.id, { publishAt: new Date(T0 + 2000).toISOString() });
  await s.scheduler.idle();
  assert.equal(s.manual.delay(), undefined);
  await s.close();
});
