import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoize } from '../../core/util/memo.ts';

test('memoize answers from memory for a known key and starts again from empty past its bound', () => {
  const calls: string[] = [];
  const upper = memoize((s: string) => {
    calls.push(s);
    return s.toUpperCase();
  }, 2);
  assert.equal(upper('a'), 'A');
  assert.equal(upper('a'), 'A');
  assert.deepEqual(calls, ['a']);
  upper('b');
  upper('c'); // past the bound: forgets a and b
  upper('a');
  assert.deepEqual(calls, ['a', 'b', 'c', 'a']);
  // undefined and null answers are kept too
  let computed = 0;
  const maybe = memoize((s: string) => {
    computed++;
    return s === 'x' ? undefined : null;
  }, 10);
  assert.equal(maybe('x'), undefined);
  assert.equal(maybe('x'), undefined);
  assert.equal(maybe('y'), null);
  assert.equal(maybe('y'), null);
  assert.equal(computed, 2);
});
