import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oneAtATime } from '../../core/util/one-at-a-time.ts';

test('tasks run one after the other, in the order given, a failure affecting only its own caller', async () => {
  const serial = oneAtATime();
  const events: string[] = [];
  const task = (name: string, ms: number, fail = false) => () =>
    new Promise<string>((resolve, reject) => {
      events.push(`start ${name}`);
      setTimeout(() => {
        events.push(`end ${name}`);
        if (fail) reject(new Error(name));
        else resolve(name);
      }, ms);
    });
  const results = await Promise.allSettled([serial(task('a', 30)), serial(task('b', 5, true)), serial(task('c', 1))]);
  assert.deepEqual(events, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)), ['a', 'b', 'c']);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
});
