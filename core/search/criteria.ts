import type { MediaStatus, MediaType } from '../store/index.ts';

export const sortKeys = ['relevance', 'title', 'date', 'popularity'] as const;
export type SortKey = (typeof sortKeys)[number];
export type SortOrder = 'asc' | 'desc';
export const PER_PAGE_MIN = 6;
export const PER_PAGE_MAX = 100;

/**
 * Resolved search criteria (ids, not slugs): AND across criteria, OR within a list, except
 * keywords, which need all of them unless `kwMode` is `any`. An empty list means "no constraint".
 */
export interface SearchCriteria {
  q: string;
  keywordIds: string[];
  kwMode: 'all' | 'any';
  types: MediaType[];
  sectorIds: string[];
  /** Inclusive day bounds `YYYY-MM-DD`, on the publication date (creation date for drafts). */
  from?: string;
  to?: string;
  licences: string[];
  authorIds: string[];
  /** Which statuses may be returned; visitors always get `['published']`. */
  statuses: MediaStatus[];
  sort: SortKey;
  order: SortOrder;
  page: number;
  perPage: number;
  /** Compute facet counts (keywords, types, years, sectors) over all results. */
  facets: boolean;
  /** How many keyword facets to return, the most frequent first (`Infinity`: every keyword); the index's default when absent. */
  facetLimit?: number;
}

export function defaultOrder(sort: SortKey): SortOrder {
  return sort === 'title' ? 'asc' : 'desc';
}

export function criteria(partial: Partial<SearchCriteria> = {}): SearchCriteria {
  const sort = partial.sort ?? 'relevance';
  return {
    q: '',
    keywordIds: [],
    kwMode: 'all',
    types: [],
    sectorIds: [],
    licences: [],
    authorIds: [],
    statuses: ['published'],
    page: 1,
    perPage: 24,
    facets: true,
    ...partial,
    sort,
    order: partial.order ?? defaultOrder(sort),
  };
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface Facets {
  /** Keyword ids, most frequent first (at most the criteria's or the index's `facetLimit`). */
  keywords: FacetCount[];
  types: FacetCount[];
  /** Years, newest first. */
  years: FacetCount[];
  sectors: FacetCount[];
}

export interface SearchResult {
  /** Media ids of the requested page, in order. */
  ids: string[];
  total: number;
  page: number;
  perPage: number;
  /** Last page number (at least 1). */
  pages: number;
  facets?: Facets;
}
