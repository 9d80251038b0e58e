import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';

/**
 * Media page views. A view is recorded in memory and added to the media records by a periodic
 * flush (one write per shard touched, however many views), so a busy page costs a map update,
 * not a disk write. Views recorded since the last flush are lost if the process is killed; a
 * normal stop flushes them.
 */
export interface ViewCounter {
  /** A visitor was shown media `id`'s page. */
  record(id: string): void;
  /** Adds the views recorded so far to the store and the search index; returns how many media changed. */
  flush(): Promise<number>;
  /** Flushes, then stops the periodic flush. */
  close(): Promise<void>;
}

export function createViewCounter(deps: {
  store: Store;
  /** Told each new total, so sorting by popularity follows (the search service's setViews). */
  viewsChanged: (id: string, views: number) => void;
  logger: Logger;
  /** How often views are written; 0 for never on a timer (tests call flush). */
  flushMs: number;
}): ViewCounter {
  let pending = new Map<string, number>();
  let queue: Promise<number> = Promise.resolve(0);

  async function flushNow(): Promise<number> {
    if (pending.size === 0) return 0;
    const batch = pending;
    pending = new Map();
    const ids = [...batch.keys()];
    try {
      const changed = await deps.store.media.updateMany(ids, (m) => ({ views: (m.views ?? 0) + (batch.get(m.id) ?? 0) }));
      for (const m of await deps.store.media.getMany(ids)) deps.viewsChanged(m.id, m.views);
      return changed;
    } catch (err) {
      // Kept for the next flush rather than lost.
      for (const [id, n] of batch) pending.set(id, (pending.get(id) ?? 0) + n);
      deps.logger.error({ err, media: ids.length }, 'could not save media view counts');
      return 0;
    }
  }

  // One flush at a time: a timer tick during a slow write waits for it.
  const flush = () => (queue = queue.then(flushNow, flushNow));
  const timer = deps.flushMs > 0 ? setInterval(() => void flush(), deps.flushMs) : undefined;
  timer?.unref();

  return {
    record(id) {
      pending.set(id, (pending.get(id) ?? 0) + 1);
    },
    flush,
    async close() {
      if (timer) clearInterval(timer);
      await flush();
    },
  };
}

/** `/media/<id>` and `/media/<id>/<slug>`: the media page's paths (core/media/page.ts). */
const MEDIA_PAGE = /^\/media\/(\d{1,15})(?:\/[^/]+)?\/?$/;

/** The media id of a media page's path, or undefined for any other path. */
export function mediaPageId(path: string): string | undefined {
  return MEDIA_PAGE.exec(path)?.[1];
}
