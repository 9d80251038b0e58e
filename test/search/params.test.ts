import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formEncode, searchHref, type SearchQuery } from '../../core/search/params.ts';
import { sortKeys } from '../../core/search/criteria.ts';
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

// searchHref as it was written first (URLSearchParams, nothing remembered): the oracle for the test below.
function referenceHref(base: string, query: SearchQuery, change: Partial<Record<keyof SearchQuery, unknown>> = {}): string {
  const merged = { ...query, ...change } as Record<string, unknown>;
  const params = new URLSearchParams();
  const d = query.defaults;
  const natural = d.sort === 'relevance' && !String(merged.q ?? '') ? 'date' : d.sort;
  const omitSort = merged.sort === natural && merged.order === d.order;
  const defaults: Record<string, unknown> = { kw_mode: 'all', page: 1, per_page: d.per_page, view: d.view, order: omitSort ? d.order : '' };
  for (const [key, value] of Object.entries(merged)) {
    if (key === 'defaults' || value === undefined || value === '' || value === null) continue;
    if (Array.isArray(value)) {
      for (const v of value) params.append(key, String(v));
      continue;
    }
    if (defaults[key] === value || (key === 'sort' && omitSort)) continue;
    params.append(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${base}?${qs}` : base;
}

test('searchHref builds the same links as the plain URLSearchParams definition, however often a query is reused', () => {
  const rand = seededRandom(23);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const some = (list: readonly string[]) => list.filter(() => rand() < 0.3);
  const words = ['masques', 'été 2024', 'a&b', 'x=y', '', 'l’œuvre'];
  for (let round = 0; round < 300; round++) {
    const query: SearchQuery = {
      q: pick(words),
      kw: some(['tags/masques', 'lieux/paris', 'tags/été']),
      kw_mode: pick(['all', 'any'] as const),
      type: some(['image', 'audio', 'video']),
      sector: some(['archives', 'fêtes']),
      from: pick(['', '2024-01-01']),
      to: pick(['', '2024-12-31']),
      licence: some(['CC-BY']),
      author: some(['alice']),
      status: some(['draft']),
      sort: pick(sortKeys),
      order: pick(['', 'asc', 'desc'] as const),
      page: pick([1, 2, 7]),
      per_page: pick([12, 24, 48]),
      view: pick(['thumbnails', 'list'] as const),
      defaults: { sort: pick(sortKeys), order: pick(['', 'asc', 'desc'] as const), per_page: pick([24, 48]), view: pick(['thumbnails', 'list'] as const) },
    };
    for (let i = 0; i < 8; i++) {
      const change: Partial<Record<keyof SearchQuery, unknown>> = pick([
        {},
        { page: 1 },
        { page: 3 },
        { kw: [...query.kw, 'tags/noël'] },
        { type: [] },
        { q: '' },
        { sort: pick(sortKeys), order: '' },
        { from: '2023-01-01', to: '2023-12-31', page: 1 },
      ]);
      assert.equal(searchHref('/search', query, change), referenceHref('/search', query, change), JSON.stringify({ query, change }));
    }
  }
});
