import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FILTER_MAX, keywordFilter, listHref, listQuery, pageHolding, pageOf, readListView } from '../../core/keywords/admin-list.ts';

test('the view read from the URL: a bad page number means page 1, a page without a group means nothing', () => {
  assert.deepEqual(readListView({ group: 'tags', page: '3', q: ' été ' }), { q: 'été', group: 'tags', page: 3 });
  for (const page of ['abc', '0', '-2', '', undefined]) assert.equal(readListView({ group: 'tags', page }).page, 1, String(page));
  assert.equal(readListView({ group: 'tags', page: '999' }).page, 999, 'clamped later, to the group’s pages');
  assert.deepEqual(readListView({ page: '3' }), { q: '', page: 1 });
  // Repeated parameters (the simple query parser gives arrays): the first one counts.
  assert.deepEqual(readListView({ group: ['tags', 'lieux'], q: ['a', 'b'], page: '2' }), { q: 'a', group: 'tags', page: 2 });
  assert.deepEqual(readListView({ group: 'x'.repeat(81), page: '2' }), { q: '', page: 1 }, 'longer than any group slug');
  assert.equal(readListView({ q: 'y'.repeat(500) }).q.length, FILTER_MAX);
});

test('links to a view are encoded, say the page with the group, and land on the group’s section', () => {
  assert.equal(listQuery({ q: '', page: 1 }), '');
  assert.equal(listHref({ q: '', page: 1 }), '/admin/keywords');
  assert.equal(listHref({ q: '', page: 1 }, 'created'), '/admin/keywords?done=created');
  assert.equal(listHref({ q: 'a&b #c', group: 'tags', page: 3 }, 'renamed'), '/admin/keywords?done=renamed&group=tags&page=3&q=a%26b+%23c#keywords-tags');
  assert.equal(listHref({ q: '', group: 'époques', page: 1 }), '/admin/keywords?group=%C3%A9poques&page=1#keywords-%C3%A9poques');
});

test('the filter finds a title or a slug containing the text, accents and case folded both ways', () => {
  const summer = { title: 'Été 2026', slug: 'ete-2026' };
  const party = { title: 'Fête', slug: 'fete' };
  const winter = { title: 'Hiver', slug: 'hiver' };
  const renamed = { title: 'Cœur', slug: 'coeur' };
  const keep = (q: string) => [summer, party, winter, renamed].filter(keywordFilter(q)).map((k) => k.title);
  assert.deepEqual(keep('ete'), ['Été 2026', 'Fête']);
  assert.deepEqual(keep('ÉTÉ 20'), ['Été 2026']);
  assert.deepEqual(keep('ete-2'), ['Été 2026'], 'the slug');
  assert.deepEqual(keep('coeur'), ['Cœur'], 'ligatures as search folds them');
  assert.deepEqual(keep('zz'), []);
  assert.deepEqual(keep('   '), ['Été 2026', 'Fête', 'Hiver', 'Cœur'], 'no filter');
});

test('a page of a list: the last one past the end, at least one page, and the page holding an item', () => {
  const list = Array.from({ length: 130 }, (_, i) => i);
  assert.deepEqual(pageOf(list, 1).items, list.slice(0, 50));
  assert.deepEqual(pageOf(list, 3), { items: list.slice(100), page: 3, pages: 3 });
  assert.deepEqual(pageOf(list, 999), { items: list.slice(100), page: 3, pages: 3 });
  assert.deepEqual(pageOf([], 2), { items: [], page: 1, pages: 1 });
  assert.deepEqual(pageOf(list.slice(0, 50), 2).page, 1, 'exactly one page');
  assert.equal(pageHolding(0), 1);
  assert.equal(pageHolding(49), 1);
  assert.equal(pageHolding(50), 2);
  assert.equal(pageHolding(119), 3);
});
