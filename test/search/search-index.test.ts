import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SearchIndex, criteria, type SearchCriteria } from '../../core/search/index.ts';
import type { Media } from '../../core/store/index.ts';
import { mediaInput } from './fixtures.ts';
import { bruteForce } from './brute-force.ts';

const kwTitles = new Map([
  ['k1', 'Masques'],
  ['k2', 'Carnaval'],
  ['k3', 'Été'],
]);
const titleOf = (id: string) => kwTitles.get(id);

let next = 1;
function media(over: Partial<Media>): Media {
  return { ...mediaInput(over), id: String(next++) } as Media;
}

const sample: Media[] = [
  media({ title: 'Les Médias du carnaval', description: 'Masques de Venise en février', keywordIds: ['k1', 'k2'], type: 'image', sectorId: 's1', createdAt: '2023-02-10T10:00:00Z', publishedAt: '2023-02-10T10:00:00Z', views: 5, licence: 'CC BY' }),
  media({ title: 'MÉDIAS et société', description: 'Un débat', keywordIds: ['k3'], type: 'video', sectorId: 's2', createdAt: '2024-07-01T10:00:00Z', publishedAt: '2024-07-01T10:00:00Z', views: 50, authorId: 'u1' }),
  media({ title: 'Carnival masks', description: 'The medias of the carnival de Venise', keywordIds: ['k1'], type: 'audio', sectorId: 's1', createdAt: '2024-12-31T23:00:00Z', publishedAt: '2024-12-31T23:00:00Z', views: 1 }),
  media({ title: 'Brouillon secret', description: 'masques cachés', keywordIds: ['k1'], status: 'draft', createdAt: '2024-03-03T00:00:00Z', publishedAt: null }),
  media({ title: 'Documentation', description: 'Le carnaval de Venise, masques', keywordIds: ['k2'], type: 'document', createdAt: '2022-01-01T00:00:00Z', publishedAt: '2022-01-01T00:00:00Z', views: 9, licence: 'cc-by' }),
];

function build(list = sample) {
  const index = new SearchIndex({ keywordTitle: titleOf, facetLimit: 10_000 });
  index.rebuild(list);
  return index;
}

function ids(index: SearchIndex, c: Partial<SearchCriteria>) {
  return index.search(criteria({ sort: 'date', ...c })).ids;
}

function check(index: SearchIndex, list: Media[], c: Partial<SearchCriteria>) {
  const full = criteria(c);
  const got = index.search(full);
  const want = bruteForce(list, full, titleOf);
  assert.deepEqual({ ids: got.ids, total: got.total, facets: got.facets }, want, JSON.stringify(c));
}

test('accents and case fold both ways: medias, MÉDIAS and Médias find each other', () => {
  const index = build();
  for (const q of ['medias', 'MÉDIAS', 'Médias', 'mÉdIaS']) assert.deepEqual(ids(index, { q }).sort(), ['1', '2', '3'], q);
  assert.deepEqual(ids(index, { q: 'ete' }), ['2'], 'keyword title Été found without accents');
});

test('word prefixes match, inner substrings do not', () => {
  const index = build();
  assert.deepEqual(ids(index, { q: 'masq' }).sort(), ['1', '3', '5']);
  assert.deepEqual(ids(index, { q: 'asques' }), []);
});

test('quoted phrases match whole consecutive words only', () => {
  const index = build();
  assert.deepEqual(ids(index, { q: '"carnaval de venise"' }), ['5']);
  assert.deepEqual(ids(index, { q: '"carnival de venise"' }), ['3']);
  assert.deepEqual(ids(index, { q: '"de carnaval"' }), []);
  assert.deepEqual(ids(index, { q: '"masque"' }), [], 'a quoted word is exact, not a prefix');
});

test('a dashed word excludes the media containing it', () => {
  const index = build();
  assert.deepEqual(ids(index, { q: 'masques -venise' }), []);
  assert.deepEqual(ids(index, { q: 'medias -societe' }).sort(), ['1', '3']);
});

test('title hits rank before description hits, even older ones', () => {
  const list = [
    media({ title: 'Venise la nuit', createdAt: '2020-01-01T00:00:00Z', publishedAt: '2020-01-01T00:00:00Z' }),
    media({ title: 'Un voyage', description: 'Quelques jours à Venise', createdAt: '2025-01-01T00:00:00Z', publishedAt: '2025-01-01T00:00:00Z' }),
  ];
  const index = build(list);
  assert.deepEqual(index.search(criteria({ q: 'venise' })).ids, [list[0]!.id, list[1]!.id]);
  assert.deepEqual(index.search(criteria({ q: 'venise', sort: 'date' })).ids, [list[1]!.id, list[0]!.id]);
});

test('drafts are invisible unless the statuses allow them', () => {
  const index = build();
  assert.deepEqual(ids(index, { q: 'brouillon' }), []);
  assert.deepEqual(ids(index, { q: 'brouillon', statuses: ['draft'] }), ['4']);
  assert.deepEqual(ids(index, { q: 'masques', statuses: [] }).sort(), ['1', '3', '4', '5']);
});

test('each criterion alone and combined equals the brute-force answer', () => {
  const index = build();
  const cases: Array<Partial<SearchCriteria>> = [
    {},
    { keywordIds: ['k1'] },
    { keywordIds: ['k1', 'k2'] },
    { keywordIds: ['k1', 'k2'], kwMode: 'any' },
    { types: ['image'] },
    { types: ['image', 'audio'] },
    { sectorIds: ['s1'] },
    { from: '2024-01-01' },
    { to: '2023-12-31' },
    { from: '2024-12-31', to: '2024-12-31' },
    { licences: ['cc by'] },
    { licences: ['CC-BY'] },
    { authorIds: ['u1'] },
    { q: 'masques', types: ['image', 'document'], sectorIds: ['s1'] },
    { q: 'carn', keywordIds: ['k1'], from: '2023-01-01', sort: 'title' },
    { sort: 'popularity' },
    { sort: 'popularity', order: 'asc' },
    { sort: 'title', order: 'desc' },
    { statuses: [] },
    { statuses: ['draft', 'published'], keywordIds: ['k1'] },
  ];
  for (const c of cases) check(index, sample, c);
});

test('AND across criteria, OR within one, keywords AND unless kw_mode=any', () => {
  const index = build();
  assert.deepEqual(ids(index, { types: ['image', 'audio'] }).sort(), ['1', '3']);
  assert.deepEqual(ids(index, { types: ['image', 'audio'], sectorIds: ['s1'], keywordIds: ['k2'] }), ['1']);
  assert.deepEqual(ids(index, { keywordIds: ['k1', 'k2'] }), ['1']);
  assert.deepEqual(ids(index, { keywordIds: ['k1', 'k2'], kwMode: 'any' }).sort(), ['1', '3', '5']);
});

test('facets count every result, not only the page', () => {
  const index = build();
  const r = index.search(criteria({ perPage: 1, keywordIds: ['k1', 'k3'], kwMode: 'any' }));
  assert.equal(r.ids.length, 1);
  assert.equal(r.total, 3);
  assert.deepEqual(r.facets?.types, [{ value: 'audio', count: 1 }, { value: 'image', count: 1 }, { value: 'video', count: 1 }]);
  assert.deepEqual(r.facets?.keywords, [{ value: 'k1', count: 2 }, { value: 'k2', count: 1 }, { value: 'k3', count: 1 }]);
  assert.deepEqual(r.facets?.years, [{ value: '2024', count: 2 }, { value: '2023', count: 1 }]);
});

test('the criteria may ask for more or fewer keyword facets than the index returns by default', () => {
  const many = Array.from({ length: 40 }, (_, i) => media({ title: `Item ${i}`, keywordIds: Array.from({ length: i + 1 }, (_, k) => `kw${k}`) }));
  const index = new SearchIndex({ keywordTitle: () => undefined, facetLimit: 30 });
  index.rebuild(many);
  const keywords = (c: Partial<SearchCriteria>) => index.search(criteria({ perPage: 1, ...c })).facets!.keywords;
  assert.equal(keywords({}).length, 30, "the index's default");
  const all = keywords({ facetLimit: Infinity });
  assert.equal(all.length, 40);
  assert.deepEqual(all.slice(0, 2), [{ value: 'kw0', count: 40 }, { value: 'kw1', count: 39 }]);
  assert.deepEqual(all.at(-1), { value: 'kw39', count: 1 });
  assert.deepEqual(keywords({ facetLimit: 2 }), all.slice(0, 2));
  // Ties (every keyword once) are broken by value, whether all are sorted or only the first kept.
  const once = new SearchIndex({ keywordTitle: () => undefined });
  once.rebuild(Array.from({ length: 40 }, (_, i) => media({ title: `Once ${i}`, keywordIds: [`kw${(i * 7) % 40}`] })));
  const onceAll = once.search(criteria({ perPage: 1, facetLimit: Infinity })).facets!.keywords;
  assert.deepEqual(onceAll.slice(0, 3), [{ value: 'kw0', count: 1 }, { value: 'kw1', count: 1 }, { value: 'kw10', count: 1 }]);
  assert.deepEqual(once.search(criteria({ perPage: 1, facetLimit: 5 })).facets!.keywords, onceAll.slice(0, 5));
});

test('pagination: last page partial, past the end empty, pages reported', () => {
  const index = build();
  const c = { perPage: 3, sort: 'date' as const };
  const p1 = index.search(criteria({ ...c, page: 1 }));
  const p2 = index.search(criteria({ ...c, page: 2 }));
  const p3 = index.search(criteria({ ...c, page: 3 }));
  assert.equal(p1.pages, 2);
  assert.equal(p1.ids.length, 3);
  assert.equal(p2.ids.length, 1);
  assert.deepEqual(p3.ids, []);
  assert.equal(new Set([...p1.ids, ...p2.ids]).size, 4);
  assert.equal(index.search(criteria({ q: 'nothingatall' })).pages, 1);
});

test('an invalid date bound is ignored rather than matching nothing', () => {
  const index = build();
  assert.equal(index.search(criteria({ from: '2024-02-31' })).total, 4);
});

test('upsert and remove keep the index current; keyword renames re-index their media', () => {
  const list = sample.map((m) => ({ ...m }));
  const index = build(list);
  const changed = { ...list[0]!, title: 'Nouvelles photos', keywordIds: ['k3'] };
  index.upsert(changed);
  assert.deepEqual(ids(index, { q: 'nouvelles' }), ['1']);
  assert.deepEqual(ids(index, { q: 'medias' }).sort(), ['2', '3']);
  assert.deepEqual(ids(index, { keywordIds: ['k1'] }), ['3']);
  assert.equal(index.remove('2'), true);
  assert.equal(index.remove('2'), false);
  assert.deepEqual(ids(index, { keywordIds: ['k3'] }), ['1']);
  kwTitles.set('k3', 'Printemps');
  try {
    index.keywordChanged('k3');
    assert.deepEqual(ids(index, { q: 'printemps' }), ['1']);
    assert.deepEqual(ids(index, { q: 'ete' }), []);
  } finally {
    kwTitles.set('k3', 'Été');
  }
});

test('large result sets: the bounded selection gives the same pages as a full sort', () => {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'êta', 'thêta'];
  const list: Media[] = [];
  for (let i = 0; i < 5000; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    list.push(media({ title: `${words[i % 8]} ${words[(i * 7) % 8]} ${i % 13}`, keywordIds: [`k${1 + (i % 3)}`], views: i % 17, createdAt: `2020-03-${day}T00:00:00Z`, publishedAt: `2020-03-${day}T00:00:00Z` }));
  }
  const index = build(list);
  for (const sort of ['relevance', 'title', 'date', 'popularity'] as const) {
    for (const order of ['asc', 'desc'] as const) {
      for (const page of [1, 3]) check(index, list, { q: 'eta', sort, order, page, perPage: 20 });
      check(index, list, { sort, order, page: 2, perPage: 50 });
    }
  }
});

test('sorting by title reads numbers as numbers: Élément 2 before Élément 10, 007 next to 7', () => {
  const titles = ['Élément 10', 'élément 2', 'Element 1', 'Élément 19', 'Élément 2 bis', 'Élément 007', 'Élément', 'Zèbre 3', 'zebre 21', '1 jour', '10 jours'];
  const list = titles.map((title, i) => media({ title, createdAt: `2024-01-${String(i + 1).padStart(2, '0')}T00:00:00Z` }));
  const index = build(list);
  const byTitle = (order: 'asc' | 'desc') => ids(index, { sort: 'title', order }).map((id) => list.find((m) => m.id === id)!.title);
  assert.deepEqual(byTitle('asc'), ['1 jour', '10 jours', 'Élément', 'Element 1', 'élément 2', 'Élément 2 bis', 'Élément 007', 'Élément 10', 'Élément 19', 'Zèbre 3', 'zebre 21']);
  assert.deepEqual(byTitle('desc'), [...byTitle('asc')].reverse());
  check(index, list, { sort: 'title' });
  check(index, list, { sort: 'title', order: 'desc' });
});

test('relevance puts title hits first, for a broad term (read from its postings) and for a few results (read from their titles)', () => {
  // 200 media carry "port": 20 in the title, 180 in the description only; 5 of them carry k2.
  const list = Array.from({ length: 200 }, (_, i) =>
    media({
      title: i % 10 === 0 ? `Le port ${i}` : `Vue ${i}`,
      description: i % 10 === 0 ? 'Une vue' : 'Vue du port',
      keywordIds: i % 40 === 0 || i % 40 === 1 || i % 40 === 2 ? ['k2'] : ['k1'],
      createdAt: new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString(),
    }),
  );
  const index = new SearchIndex({ keywordTitle: titleOf, facetLimit: 10 });
  index.rebuild(list);
  const inTitle = new Set(list.filter((m) => m.title.startsWith('Le port')).map((m) => m.id));
  const broad = index.search(criteria({ q: 'por', sort: 'relevance', perPage: 30 }));
  assert.equal(broad.total, 200);
  assert.deepEqual(broad.ids.slice(0, 20).filter((id) => inTitle.has(id)).length, 20, 'the 20 title hits first');
  assert.ok(!broad.ids.slice(20).some((id) => inTitle.has(id)));
  // Within equal scores, newest first.
  const dates = broad.ids.slice(0, 20).map((id) => list.find((m) => m.id === id)!.createdAt);
  assert.deepEqual(dates, [...dates].sort().reverse());
  // Few results (k2: 15 media, 5 with "port" in the title) against 200 postings entries.
  const few = index.search(criteria({ q: 'port', keywordIds: ['k2'], sort: 'relevance', perPage: 30 }));
  assert.equal(few.total, 15);
  assert.equal(few.ids.slice(0, 5).filter((id) => inTitle.has(id)).length, 5);
  assert.ok(!few.ids.slice(5).some((id) => inTitle.has(id)));
});
