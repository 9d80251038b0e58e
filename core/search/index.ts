export { fold, tokenize, searchable } from './fold.ts';
export { parseTextQuery, isEmptyText, type TextQuery } from './text-query.ts';
export * from './criteria.ts';
export { SearchIndex, type SearchIndexOptions } from './search-index.ts';
export { createSearchService, type SearchService, type SearchContext } from './service.ts';
export { dayStart } from './match.ts';
