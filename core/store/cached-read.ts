import type { Store } from './types.ts';
import { onStoreChange, type ChangedArea } from './change-feed.ts';

/**
 * A read of small, rarely changed data (keywords, groups, sectors, settings) kept until one of
 * `areas` is written, so hot pages do not copy 2,000 keywords or re-validate the settings on every
 * request. Once read, the answer comes back synchronously (no promise, no extra tick on the request
 * path); until then, callers share the pending read. A read that fails, or that began before a
 * write to one of `areas`, is not kept. What `read` returns is shared between callers: build
 * derived, read-only structures from it and hand callers copies.
 * It listens to the store until `signal` is aborted (the app that holds it closed); from then on,
 * it keeps nothing, so a late caller still gets a fresh answer, and the store keeps no hold on it.
 */
export function cachedRead<T>(store: Store, areas: readonly ChangedArea[], read: () => Promise<T>, options: { signal: AbortSignal }): () => T | Promise<T> {
  const { signal } = options;
  let pending: Promise<T> | null = null;
  let value: { v: T } | null = null;
  onStoreChange(
    store,
    (area) => {
      if (!areas.includes(area)) return;
      pending = null;
      value = null;
    },
    { signal },
  );
  return () => {
    if (signal.aborted) return read();
    if (value) return value.v;
    if (pending) return pending;
    const reading: Promise<T> = read().then(
      (v) => {
        if (pending === reading) value = { v };
        return v;
      },
      (err: unknown) => {
        if (pending === reading) pending = null;
        throw err;
      },
    );
    pending = reading;
    return reading;
  };
}
