import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp } from '../helpers/app.ts';
import { askedPage, countPublished, countPublishedBy, type SearchCriteria, type SearchResult } from '../../core/search/index.ts';
import { mediaInput } from './fixtures.ts';

test('counting published media per keyword or sector in one search agrees with a search per id, plugin filters included', async () => {
  const t = await makeApp();
  try {
    const { search, hooks } = t.app.kiosque;
    const ids = ['kw-a', 'kw-b', 'kw-c', 'kw-d', 'kw-none'];
    // A fixed spread: every keyword on some media, types and statuses mixed, kw-d only on drafts.
    for (let i = 0; i < 60; i++) {
      const keywordIds = ids.slice(0, 3).filter((_, k) => (i + k) % (k + 2) === 0);
      if (i % 7 === 0) keywordIds.push('kw-d');
      const status = i % 7 === 0 || i % 5 === 0 ? 'draft' : 'published';
      search.upsert(await t.store.media.create(mediaInput({ title: `M${i}`, type: i % 3 ? 'image' : 'audio', status, keywordIds, sectorId: i % 4 === 0 ? null : `s${i % 4}` })));
    }
    const context = { user: null, source: 'keyword' };
    const sectorIds = ['s1', 's2', 's3', 's9'];
    const oneByOne = async (facet: 'keywords' | 'sectors' = 'keywords') => {
      const out = new Map<string, number>();
      for (const id of facet === 'keywords' ? ids : sectorIds) {
        const n = await countPublished(search, facet === 'keywords' ? { keywordIds: [id] } : { sectorIds: [id] }, context);
        if (n > 0) out.set(id, n);
      }
      return out;
    };
    const expected = await oneByOne();
    assert.deepEqual([...expected.keys()].sort(), ['kw-a', 'kw-b', 'kw-c'], 'drafts and unused keywords count for nothing');
    assert.deepEqual(await countPublishedBy(search, 'keywords', ids, context), expected);
    assert.deepEqual(await countPublishedBy(search, 'keywords', ['kw-b'], context), new Map([['kw-b', expected.get('kw-b')!]]), 'only the keywords asked for');
    assert.deepEqual(await countPublishedBy(search, 'keywords', [], context), new Map());
    const bySector = await oneByOne('sectors');
    assert.deepEqual([...bySector.keys()], ['s1', 's2', 's3']);
    assert.deepEqual(await countPublishedBy(search, 'sectors', sectorIds, context), bySector);

    // A plugin that shows visitors audio only: both ways count what it leaves.
    const undoQuery = hooks.filter('search.query', (c) => ({ ...(c as SearchCriteria), types: ['audio'] }), { owner: 'test' });
    const audioOnly = await oneByOne();
    assert.ok([...audioOnly.values()].reduce((a, b) => a + b, 0) < [...expected.values()].reduce((a, b) => a + b, 0));
    assert.deepEqual(await countPublishedBy(search, 'keywords', ids, context), audioOnly);
    const audioBySector = await oneByOne('sectors');
    assert.notDeepEqual(audioBySector, bySector);
    assert.deepEqual(await countPublishedBy(search, 'sectors', sectorIds, context), audioBySector);

    // A results filter that drops the facets: the counts come from a search per keyword.
    let calls = 0;
    const undoResults = hooks.filter('search.results', (r) => {
      calls++;
      return { ...(r as SearchResult), facets: undefined };
    }, { owner: 'test' });
    assert.deepEqual(await countPublishedBy(search, 'keywords', ids, context), audioOnly);
    assert.equal(calls, 1 + ids.length);
    undoResults();
    undoQuery();
  } finally {
    await t.close();
  }
});

test('the page a listing is asked for is a whole number from 1; anything else is page 1', () => {
  for (const [raw, page] of [['2', 2], [' 3 ', 3], ['007', 7], ['2abc', 1], ['2.5', 1], ['-2', 1], ['0', 1], ['', 1], [undefined, 1], [['2', '3'], 1], ['1e3', 1], ['9999999999', 1e9], ['9'.repeat(400), 1e9]] as const) {
    assert.equal(askedPage(raw), page, JSON.stringify(raw));
  }
});
