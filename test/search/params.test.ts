import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formEncode } from '../../core/search/params.ts';
import { seededRandom } from '../../bench/lib/random.ts';

test('formEncode writes a value exactly as URLSearchParams does', () => {
  const rand = seededRandom(11);
  const pieces = [' ', '+', '&', '=', '%', '#', '?', '/', "!'()*~-._", 'é', 'Œ', '€', '😀', '\ud800', '\udfff', 'a', 'Z', '9', '"<>', '\u00a0'];
  for (let round = 0; round < 3000; round++) {
    let value = '';
    for (let i = Math.floor(rand() * 6); i > 0; i--) value += pieces[Math.floor(rand() * pieces.length)];
    assert.equal(formEncode(value), new URLSearchParams([['k', value]]).toString().slice(2), JSON.stringify(value));
  }
});
