import type { Store } from './types.ts';
import { onStoreChange, type ChangedArea } from './change-feed.ts';

/**
 * A read of small, rarely changed collections (keywords, groups, sectors) kept until one of
 * `areas` is written, so hot pages do not copy 2,000 keywords out of the store on every request.
 * What `read` returns is shared between callers: build derived, read-only structures from it and
 * hand callers copies. A read that fails is not kept.
 */
export function cachedRead<T>(store: Store, areas: readonly ChangedArea[], read: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | null = null;
  onStoreChange(store, (area) => {
    if (areas.includes(area)) cached = null;
  });
  return () => {
    if (cached) return cached;
    const pending = read();
    cached = pending;
    pending.catch(() => {
      if (cached === pending) cached = null;
    });
    return pending;
  };
}
