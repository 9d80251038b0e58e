import type { Keyword, Media, Store } from '../store/index.ts';
import type { Hooks } from '../plugins/hooks.ts';
import type { SearchCriteria, SearchResult } from './criteria.ts';
import { SearchIndex } from './search-index.ts';
import type { SearchPreload } from './preload.ts';
import { createResultMemo } from './result-memo.ts';

/** Who is asking: plugins' `search.query` / `search.results` filters get it as their second argument. */
export interface SearchContext {
  user: { id: string; role: string } | null;
  /** `page` (/search), `api` (/api/v1/media, /api/v1/sectors), `home`, `sector` (/sectors/…), `media` (a media page's sector strip), `keyword` (/keywords/…), `author` (/authors/…), `feed`, `sitemap`. */
  source: string;
}

/**
 * The search service the rest of core talks to. Media code calls `upsert(media)` after every
 * create/update and `remove(id)` after every delete; the keyword service calls `keywordChanged`.
 */
export interface SearchService {
  readonly index: SearchIndex;
  search(criteria: SearchCriteria, context: SearchContext): Promise<SearchResult>;
  upsert(media: Media): void;
  remove(id: string): void;
  keywordChanged(keyword: Pick<Keyword, 'id' | 'title'>): void;
  keywordDeleted(id: string): void;
  /** A media item's view count changed (core/media/view-counter.ts): sorting by popularity follows. */
  setViews(id: string, views: number): void;
  /** Rebuilds everything from the store (start, `kiosque reindex`); returns counts and time taken. */
  reindex(): Promise<{ media: number; ms: number }>;
}

export async function createSearchService(deps: { store: Store; hooks: Hooks; facetLimit?: number; preload?: SearchPreload }): Promise<SearchService> {
  const titles = new Map<string, string>();
  const index = new SearchIndex({ keywordTitle: (id) => titles.get(id), facetLimit: deps.facetLimit });

  async function reindex(preload?: SearchPreload) {
    const started = performance.now();
    titles.clear();
    for (const k of await deps.store.keywords.list()) titles.set(k.id, k.title);
    const media = await deps.store.media.list();
    if (preload) await index.rebuildWith(media, preload.result());
    else index.rebuild(media);
    return { media: media.length, ms: performance.now() - started };
  }
  await reindex(deps.preload);
  const remembered = createResultMemo((c) => index.search(c), () => index.version);

  return {
    index,
    async search(criteria, context) {
      let filtered = await deps.hooks.applyFilter('search.query', criteria, context);
      // A plugin that returns something unusable must not break search: keep the parsed criteria.
      filtered = filtered && typeof filtered === 'object' ? { ...criteria, ...filtered } : criteria;
      let result: SearchResult;
      try {
        // A `search.results` filter may change the answer it gets in place (shared answers are frozen): then each search gets its own.
        result = deps.hooks.has('search.results') ? index.search(filtered) : remembered(filtered);
      } catch {
        filtered = criteria;
        result = index.search(criteria);
      }
      return deps.hooks.applyFilter('search.results', result, { criteria: filtered, ...context });
    },
    upsert(media) {
      index.upsert(media);
      // A keyword created by other code (e.g. an inline tag) without keywordChanged: fetch its
      // title, then re-index its media. The store answers from memory, before the next request.
      const unknown = media.keywordIds.filter((id) => !titles.has(id));
      if (unknown.length) {
        void Promise.all(unknown.map((id) => deps.store.keywords.get(id))).then((found) => {
          for (const k of found) {
            if (!k || titles.get(k.id) === k.title) continue;
            titles.set(k.id, k.title);
            index.keywordChanged(k.id);
          }
        });
      }
    },
    remove: (id) => void index.remove(id),
    keywordChanged(keyword) {
      titles.set(keyword.id, keyword.title);
      index.keywordChanged(keyword.id);
    },
    keywordDeleted(id) {
      titles.delete(id);
      index.keywordChanged(id);
    },
    setViews: (id, views) => index.setViews(id, views),
    reindex: () => reindex(),
  };
}
