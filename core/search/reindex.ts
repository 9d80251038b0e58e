import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';
import { createHooks } from '../plugins/hooks.ts';
import { createSearchService } from './service.ts';

/**
 * `kiosque reindex`: rebuilds the search index from the store and reports what it holds. The index
 * lives in the server's memory and is rebuilt at every start, so from the command line this checks
 * that every record indexes (and how long it takes); a running server rebuilds its own through
 * `runtime.search.reindex()`.
 */
export async function reindex(deps: { store: Store; logger: Logger }): Promise<{ media: number; ms: number }> {
  const search = await createSearchService({ store: deps.store, hooks: createHooks(deps.logger) });
  const result = await search.reindex();
  deps.logger.info({ media: result.media, ms: Math.round(result.ms) }, 'search index rebuilt');
  return result;
}
