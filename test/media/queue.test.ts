import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createQueue } from '../../core/media/queue.ts';

test('the work queue runs at most `concurrency` jobs at once, in order, and survives failing jobs', async () => {
  const q = createQueue(2);
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  const job = (i: number) => async () => {
    started.push(i);
    running++;
    peak = Math.max(peak, running);
    await sleep(15);
    running--;
    if (i === 2) throw new Error('boom');
    return i;
  };
  const results = await Promise.allSettled([0, 1, 2, 3, 4, 5].map((i) => q.run(job(i))));
  assert.equal(peak, 2);
  assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
  assert.equal(q.running + q.waiting, 0);
  await q.idle();
});

test('a concurrency of 0 still runs one job at a time', async () => {
  const q = createQueue(0);
  let running = 0;
  let peak = 0;
  await Promise.all([1, 2, 3].map(() => q.run(async () => {
    running++;
    peak = Math.max(peak, running);
    await sleep(5);
    running--;
  })));
  assert.equal(peak, 1);
});
