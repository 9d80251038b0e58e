import { criteria, type SearchCriteria, type SearchResult } from './criteria.ts';
import type { SearchContext, SearchService } from './service.ts';

/** The page a public listing's `?page=` asks for: a whole number from 1 (anything else means 1). */
export function askedPage(raw: unknown): number {
  return Math.min(1e9, Math.max(1, Number.parseInt(String(raw ?? '1'), 10) || 1));
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
export async function countPublished(search: Pick<SearchService, 'search'>, filter: Pick<Partial<SearchCriteria>, 'keywordIds' | 'authorIds'>, context: SearchContext): Promise<number> {
  return (await search.search(criteria({ ...filter, statuses: ['published'], sort: 'date', perPage: 1, facets: false }), context)).total;
}
