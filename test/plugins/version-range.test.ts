import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRange, satisfies } from '../../core/plugins/version-range.ts';

const cases: Array<[string, string, boolean]> = [
  ['0.1.0', '*', true],
  ['0.1.0', '>=0.1.0 <1.0.0', true],
  ['1.0.0', '>=0.1.0 <1.0.0', false],
  ['0.0.9', '>=0.1.0 <1.0.0', false],
  ['0.1.0', '>= 0.1.0 < 1.0.0', true],
  ['1.4.2', '^1.2.3', true],
  ['2.0.0', '^1.2.3', false],
  ['1.2.2', '^1.2.3', false],
  ['0.2.9', '^0.2.3', true],
  ['0.3.0', '^0.2.3', false],
  ['0.0.4', '^0.0.3', false],
  ['1.2.9', '~1.2.3', true],
  ['1.3.0', '~1.2.3', false],
  ['1.9.0', '~1', true],
  ['0.1.0', '0.1.0', true],
  ['0.1.1', '0.1', true],
  ['0.2.0', '0.1.x', false],
  ['0.1.0', '<0.1.0 || >=0.1.0 <0.2.0', true],
  ['3.0.0', '^1.0.0 || ^2.0.0', false],
  ['0.1.0', '>0.0.9', true],
  ['0.1.0', '<=0.1', true],
  ['0.2.0', '<=0.1', false],
];

test('satisfies() follows npm semantics for the supported forms', () => {
  for (const [version, range, expected] of cases) assert.equal(satisfies(version, range), expected, `${version} in ${range}`);
});

test('ranges it cannot read are refused, not guessed', () => {
  for (const bad of ['', 'whenever', '>=1.x.3', '1.2.3.4', '>=', '^a.b.c', '1.0.0 ||']) assert.equal(parseRange(bad), null, bad);
  assert.throws(() => satisfies('1.0.0', 'soon'), /not a supported version range/);
  assert.throws(() => satisfies('one', '*'), /not a version/);
});
