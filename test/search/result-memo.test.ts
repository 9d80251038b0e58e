import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createResultMemo } from '../../core/search/result-memo.ts';
import { criteria, type SearchCriteria, type SearchResult } from '../../core/search/criteria.ts';
import { makeApp } from '../helpers/app.ts';
import { sampleMedia } from '../helpers/media.ts';

const answer = (c: SearchCriteria): SearchResult => ({ ids: ['z', c.q], total: 2, page: c.page, perPage: c.perPage, pages: 1, facets: { keywords: [{ value: 'k', count: 1 }], types: [], years: [], sectors: [] } });

test('the same criteria are answered from memory while the index is unchanged; a new version asks again', () => {
  let version = 1;
  const asked: string[] = [];
  const search = createResultMemo((c) => (asked.push(c.q), answer(c)), () => version);
  const first = search(criteria({ q: 'mer' }));
  assert.equal(search(criteria({ q: 'mer' })), first, 'the very answer, not a copy');
  assert.notEqual(search(criteria({ q: 'mer', page: 2 })), first, 'other criteria, another answer');
  assert.deepEqual(asked, ['mer', 'mer']);
  version++;
  assert.notEqual(search(criteria({ q: 'mer' })), first);
  assert.deepEqual(asked, ['mer', 'mer', 'mer'], 'asked again once the index changed');
});

test('an answer kept is frozen to its depths: a caller that sorts it in place fails at once instead of changing it for the next one', () => {
  const search = createResultMemo(answer, () => 1);
  const result = search(criteria({ q: 'x' }));
  assert.throws(() => (result.ids as string[]).sort(), TypeError);
  assert.throws(() => result.facets!.keywords.push({ value: 'z', count: 9 }), TypeError);
  assert.throws(() => ((result.facets!.keywords[0] as { count: number }).count = 5), TypeError);
});

test('the memory is bounded: past its size it starts again from empty', () => {
  const asked: string[] = [];
  const search = createResultMemo((c) => (asked.push(c.q), answer(c)), () => 1, 3);
  for (const q of ['a', 'b', 'c', 'a']) search(criteria({ q }));
  assert.deepEqual(asked, ['a', 'b', 'c']);
  search(criteria({ q: 'd' }));
  search(criteria({ q: 'a' }));
  assert.deepEqual(asked, ['a', 'b', 'c', 'd', 'a'], 'emptied when full');
});

const t = await makeApp();
after(() => t.close());
const published = await t.store.media.create(sampleMedia('La mer du matin', { status: 'published' }));
await t.store.media.create(sampleMedia('La mer du soir', { status: 'published', type: 'audio' }));
await t.app.kiosque.search.reindex();
const { search } = t.app.kiosque;
const alice = { id: 'a', role: 'member' };
const bob = { id: 'b', role: 'member' };

test('the search service keeps answers by the criteria the plugins\' query filters left, so a filter that narrows one visitor\'s searches narrows only theirs', async () => {
  const ask = (user: { id: string; role: string } | null) => search.search(criteria({ q: 'mer', sort: 'date' }), { user, source: 'test' });
  const anonymous = await ask(null);
  assert.equal(await ask(null), anonymous, 'answered from memory');
  assert.equal(anonymous.total, 2);
  const stop = t.app.kiosque.hooks.filter('search.query', (c, context) => ((context as { user: { id: string } | null }).user?.id === 'b' ? { ...(c as SearchCriteria), types: ['audio'] } : c), { owner: 'test' });
  try {
    assert.equal((await ask(bob)).total, 1, 'bob\'s filter narrows his search');
    assert.equal((await ask(alice)).total, 2, 'not alice\'s, though she asked the same');
  } finally {
    stop();
  }
});

test('a results filter may change the answer it gets in place, for one visitor: while one is registered, each search gets its own answer', async () => {
  const stop = t.app.kiosque.hooks.filter(
    'search.results',
    (r, context) => {
      if ((context as { user: { id: string } | null }).user?.id !== 'b') return r;
      const result = r as SearchResult;
      result.ids = [];
      result.total = 0;
      return result;
    },
    { owner: 'test' },
  );
  try {
    const c = criteria({ q: 'mer' });
    assert.equal((await search.search(c, { user: alice, source: 'test' })).total, 2);
    assert.equal((await search.search(c, { user: bob, source: 'test' })).total, 0);
    assert.equal((await search.search(c, { user: alice, source: 'test' })).total, 2);
  } finally {
    stop();
  }
});

test('a media changed between two searches is found as it is now', async () => {
  const c = criteria({ q: 'matin' });
  assert.deepEqual((await search.search(c, { user: null, source: 'test' })).ids, [published.id]);
  await t.app.kiosque.media.update(published.id, { title: 'La mer du midi' });
  assert.deepEqual((await search.search(c, { user: null, source: 'test' })).ids, []);
  assert.deepEqual((await search.search(criteria({ q: 'midi' }), { user: null, source: 'test' })).ids, [published.id]);
});
