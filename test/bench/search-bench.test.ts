import { test } from 'node:test';
import assert from 'node:assert/strict';
import { benchSearch } from '../../bench/search.ts';

// Keeps bench/search.ts and its data (bench/lib/media-data.ts) from rotting: a small run, and the index must find
// exactly what the linear scan finds for the same generated queries.
test('the search benchmark runs at small scale and the index agrees with the linear scan', async () => {
  const r = await benchSearch(3000, 100);
  assert.equal(r.media, 3000);
  assert.ok(r.avgResults > 0, 'the generated queries find something');
  assert.equal(r.indexAvgResultsScanned, r.scanAvgResults);
});
