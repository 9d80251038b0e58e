import { criteria, type SearchCriteria, type SearchResult } from './criteria.ts';
import type { SearchContext, SearchService } from './service.ts';

/** The page a public listing's `?page=` asks for: a whole number from 1 (anything else means 1). */
export function askedPage(raw: unknown): number {
  // Digits only: parseInt read "2abc" as 2, where /search refuses it.
  const text = typeof raw === 'string' ? raw.trim() : '';
  return /^\d+$/.test(text) ? Math.min(1e9, Math.max(1, Number(text))) : 1;
}

/**
 * One page of a public listing (a sector's, a keyword's, an author's media): the asked page, or the
 * last one when the asked page is past the end, so an old link to page 9 never lands on an empty page.
 */
export async function pageOrLast(find: (page: number) => SearchResult | Promise<SearchResult>, asked: number): Promise<SearchResult> {
  const result = await find(asked);
  return result.page > result.pages ? find(result.pages) : result;
}

/**
 * How many published media match one filter (a keyword, an author…), as the plugins' search
 * filters leave it for `context`: whether a public page has anything to list, and how much.
 */
export async function countPublished(search: Pick<SearchService, 'search'>, filter: Pick<Partial<SearchCriteria>, 'keywordIds' | 'authorIds' | 'sectorIds'>, context: SearchContext): Promise<number> {
  return (await search.search(criteria({ ...filter, statuses: ['published'], sort: 'date', perPage: 1, facets: false }), context)).total;
}

/**
 * The facets of every published media item (each keyword, sector, type and year with its count), as
 * the plugins' search filters leave them for `context`; undefined when a `search.results` filter
 * dropped them. While the index is unchanged the search service answers the same criteria with the
 * same frozen object, so callers may key what they derive from it on its identity.
 */
export async function publishedFacets(search: Pick<SearchService, 'search'>, context: SearchContext): Promise<SearchResult['facets']> {
  return (await search.search(criteria({ statuses: ['published'], sort: 'date', perPage: 1, facets: true, facetLimit: Infinity }), context)).facets;
}

/**
 * How many published media carry each of `ids` (keywords or sectors; those with none are absent),
 * as the plugins' search filters leave them for `context`: one search over every published media
 * item, read from its facets. A search per keyword took half a second for 2,000 keywords at 100,000
 * media. A `search.results` filter that drops the facets gets a search per id, as before.
 */
export async function countPublishedBy(search: Pick<SearchService, 'search'>, facet: 'keywords' | 'sectors', ids: readonly string[], context: SearchContext): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (!ids.length) return counts;
  const found = (await publishedFacets(search, context))?.[facet];
  if (found) {
    const wanted = new Set(ids);
    for (const { value, count } of found) if (count > 0 && wanted.has(value)) counts.set(value, count);
    return counts;
  }
  for (const id of ids) {
    const total = await countPublished(search, facet === 'keywords' ? { keywordIds: [id] } : { sectorIds: [id] }, context);
    if (total > 0) counts.set(id, total);
  }
  return counts;
}
