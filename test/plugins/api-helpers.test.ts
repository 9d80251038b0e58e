import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldText, slugify } from '../../core/plugins/api.ts';

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
