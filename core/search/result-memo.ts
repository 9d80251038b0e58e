import type { SearchCriteria, SearchResult } from './criteria.ts';

/** What is kept of one search: its answer, and the index version it was answered at. */
interface Kept {
  version: number;
  result: SearchResult;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * `search` with its answers kept while the index does not change: a signed-in visitor's homepage
 * asks a dozen searches (latest, each sector's block, the tag cloud's counts) whose criteria are
 * the same from one request to the next, and so do sector, keyword and author pages. The key is the
 * criteria as the plugins' `search.query` filters left them, so whatever they decide per visitor
 * is in it. Answers are frozen, as they are shared between requests: the caller must not use this
 * while a `search.results` filter, which may change the answer it is given in place, is registered.
 * At most `max` are kept; past that, the memory starts again from empty.
 */
export function createResultMemo(search: (c: SearchCriteria) => SearchResult, version: () => number, max = 256) {
  const kept = new Map<string, Kept>();
  return (c: SearchCriteria): SearchResult => {
    const key = JSON.stringify(c);
    const now = version();
    const found = kept.get(key);
    if (found && found.version === now) return found.result;
    const result = deepFreeze(search(c));
    if (kept.size >= max) kept.clear();
    kept.set(key, { version: now, result });
    return result;
  };
}
