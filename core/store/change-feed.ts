import type { Store } from './types.ts';

/** Which repository changed: what a cache of rendered content needs to know. */
export type ChangedArea = 'media' | 'sectors' | 'keywordGroups' | 'keywords' | 'settings' | 'plugins' | 'users';

/**
 * `ids`: the records the write named (the id a create assigned, if it succeeded; the id of an
 * update or delete; updateMany's ids; the key of a setting), for caches kept per record.
 */
export type StoreChangeListener = (area: ChangedArea, ids: readonly string[]) => void;

/** The methods that change what visitors can see (sessions are deliberately absent). */
const writers: Record<ChangedArea, readonly string[]> = {
  media: ['create', 'update', 'updateMany', 'delete'],
  sectors: ['create', 'update', 'delete'],
  keywordGroups: ['create', 'update', 'delete'],
  keywords: ['create', 'update', 'delete'],
  settings: ['set'],
  plugins: ['update'],
  users: ['create', 'update', 'delete'],
};

function writtenIds(method: string, args: unknown[], result: unknown): readonly string[] {
  if (method === 'create') {
    const id = (result as { id?: unknown } | undefined)?.id;
    return typeof id === 'string' ? [id] : [];
  }
  const first = args[0];
  if (typeof first === 'string') return [first];
  return Array.isArray(first) ? first.filter((id): id is string => typeof id === 'string') : [];
}

const listenersByStore = new WeakMap<Store, Set<StoreChangeListener>>();

/**
 * The unsubscribe functions waiting for each signal: one abort listener per signal, however many
 * subscriptions it ends (an app has a dozen; Node warns past ten listeners on one signal).
 */
const stopsBySignal = new WeakMap<AbortSignal, Set<() => void>>();

function stopOnAbort(signal: AbortSignal, stop: () => void): () => void {
  let stops = stopsBySignal.get(signal);
  if (!stops) {
    const set = new Set<() => void>();
    stops = set;
    stopsBySignal.set(signal, set);
    signal.addEventListener('abort', () => {
      for (const s of set) s();
      set.clear();
    }, { once: true });
  }
  stops.add(stop);
  const waiting = stops;
  return () => void waiting.delete(stop);
}

/**
 * Calls `listener` after every write to a content repository of `store`, whoever makes it: routes,
 * plugins, the CLI or a test holding the store. The first subscription wraps the store's write
 * methods in place (once per store object, whatever the backend); the listener runs when the write
 * settles, successful or not, so nothing rendered before the write outlives it.
 * Returns the unsubscribe function; aborting `signal` (an app closing) unsubscribes too.
 */
export function onStoreChange(store: Store, listener: StoreChangeListener, options: { signal?: AbortSignal } = {}): () => void {
  const { signal } = options;
  if (signal?.aborted) return () => {};
  let listeners = listenersByStore.get(store);
  if (!listeners) {
    const set = new Set<StoreChangeListener>();
    listeners = set;
    listenersByStore.set(store, set);
    for (const [area, methods] of Object.entries(writers) as Array<[ChangedArea, readonly string[]]>) {
      const repo = store[area] as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      for (const name of methods) {
        const original = repo[name];
        if (typeof original !== 'function') continue;
        repo[name] = async (...args: unknown[]) => {
          let result: unknown;
          try {
            result = await original.apply(repo, args);
            return result;
          } finally {
            const ids = writtenIds(name, args, result);
            for (const l of set) {
              try {
                l(area, ids);
              } catch {
                // a listener's failure must not turn a successful write into an error
              }
            }
          }
        };
      }
    }
  }
  const subscribed = listeners;
  subscribed.add(listener);
  const unsubscribe = () => void subscribed.delete(listener);
  if (!signal) return unsubscribe;
  const forget = stopOnAbort(signal, unsubscribe);
  return () => {
    unsubscribe();
    forget();
  };
}

/** How many listeners `store` has: an app that closed must leave none of its own behind. */
export function storeListenerCount(store: Store): number {
  return listenersByStore.get(store)?.size ?? 0;
}
