import { hash } from 'node:crypto';
import { isbot } from 'isbot';
import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';
import { memoize } from '../util/memo.ts';
import { oneAtATime } from '../util/one-at-a-time.ts';

/** Who was shown a page: enough to tell a reload from another visitor, and a robot from a browser. */
export interface Viewer {
  ip?: string;
  userAgent?: string;
}

/** A visitor seeing the same media again within this time counts once (as most analytics count a visit). */
export const VIEW_DEDUPE_MS = 30 * 60_000;
/** Visitor-media pairs remembered for de-duplication; past this the oldest are forgotten first. */
const SEEN_MAX = 100_000;

/**
 * Media page views. A view is recorded in memory and added to the media records by a periodic
 * flush (one write per shard touched, however many views), so a busy page costs a map update,
 * not a disk write. Views recorded since the last flush are lost if the process is killed; a
 * normal stop flushes them. Robots (and clients that send no User-Agent) are not counted, and a
 * visitor (address + User-Agent) reloading a page counts once per VIEW_DEDUPE_MS, so popularity
 * follows people rather than crawlers and the F5 key.
 */
export interface ViewCounter {
  /** `viewer` was shown media `id`'s page; answers whether that counted as a view. */
  record(id: string, viewer: Viewer): boolean;
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
  /** Default VIEW_DEDUPE_MS. */
  dedupeMs?: number;
  now?: () => number;
}): ViewCounter {
  const dedupeMs = deps.dedupeMs ?? VIEW_DEDUPE_MS;
  const now = deps.now ?? Date.now;
  let pending = new Map<string, number>();
  // Pair key → when it stops holding back a new view. Entries go in in time order and are never
  // moved, so the expired ones and, past SEEN_MAX, the oldest are always at the front.
  const seen = new Map<string, number>();
  // User-Agent strings repeat endlessly; isbot's pattern is tested once per distinct string.
  const isRobot = memoize((ua: string) => isbot(ua), 5000);

  function firstSight(id: string, viewer: Viewer, at: number): boolean {
    for (const [key, until] of seen) {
      if (until > at && seen.size < SEEN_MAX) break;
      seen.delete(key);
    }
    // Hashed so a remembered pair costs a few dozen bytes whatever the User-Agent's length.
    const key = `${id} ${hash('sha1', `${viewer.ip ?? ''}\n${viewer.userAgent ?? ''}`, 'base64url')}`;
    const until = seen.get(key);
    if (until !== undefined && until > at) return false;
    seen.set(key, at + dedupeMs);
    return true;
  }

  const flushes = oneAtATime();

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
  const flush = () => flushes(flushNow);
  const timer = deps.flushMs > 0 ? setInterval(() => void flush(), deps.flushMs) : undefined;
  timer?.unref();

  return {
    record(id, viewer) {
      if (!viewer.userAgent || isRobot(viewer.userAgent)) return false;
      if (!firstSight(id, viewer, now())) return false;
      pending.set(id, (pending.get(id) ?? 0) + 1);
      return true;
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
