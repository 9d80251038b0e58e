import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldText, oneAtATime, slugify } from '../../core/plugins/api.ts';

/** The text helpers the plugin API hands plugins: core's own slugs and folding. */

test('slugify makes core’s slugs: accents and ligatures folded, words joined by dashes, nothing left of symbols alone', () => {
  assert.equal(slugify('Médias d’été'), 'medias-d-ete');
  assert.equal(slugify('  Œuvres   complètes !'), 'oeuvres-completes');
  assert.equal(slugify('«\u00a0»'), '');
});

test('foldText folds case and accents alike, as search does', () => {
  assert.equal(foldText('ÉTÉ à Paris'), foldText('ete a paris'));
  assert.equal(foldText('Cœur'), 'coeur');
  assert.notEqual(foldText('Été'), foldText('Ete 2'));
});

test('oneAtATime runs a read-change-write after the one before it has settled, a failed one included: two appends made at once both land', async () => {
  const serially = oneAtATime();
  let stored: string[] = [];
  const append = (item: string, fail = false) =>
    serially(async () => {
      const list = stored;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (fail) throw new Error('refused');
      stored = [...list, item];
    });
  const results = await Promise.allSettled([append('a'), append('x', true), append('b')]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.deepEqual(stored, ['a', 'b']);
});
