import type { NextFunction, Request, Response } from 'express';
import type { RequestSite } from '../views/render.ts';

/**
 * Rendered pages for anonymous visitors, so the public pages cost a lookup instead of a render.
 *
 * What is cached: GET/HEAD requests that accept HTML, carry no session cookie (so no user and no
 * per-visitor state), and got a 200 HTML body sent with `res.send` that set no cookie of its own,
 * did not say `Cache-Control: no-store|private`, and issued no CSRF token (`res.locals.noPageCache`).
 * The key is language + theme + scheme + Host header + path and query as sent.
 *
 * A route may file its page under a class (`res.locals.pageCacheClass`) with its own budget: search
 * results, one page per query anyone can invent, then evict only each other and never the homepage.
 *
 * Invalidation: `bump()` drops everything. Core bumps it on every write to media, sectors, keywords,
 * settings, plugins and users (core/store/change-feed.ts), and the `versions()` token (hook and
 * slot registrations, the search index's changes, the themes re-read) is part of each entry, so a
 * plugin toggle, a re-indexed media or an edited theme invalidates without a call. A page whose render began before a bump is never stored.
 *
 * Concurrent misses of one page share one render: while a page is being rendered, other requests
 * for the same key wait for it and get its body (`X-Page-Cache: shared`) instead of rendering it
 * again. After an edit invalidates everything, ten visitors opening the homepage at once cost one
 * render (40 ms at 100,000 media) instead of ten back to back. A render that ends without a page to
 * keep (not 200, a cookie, private…) or started before an invalidation sends the waiters on to
 * render their own.
 *
 * It sits after the access gate: every request is judged by the gate before a cached page is sent.
 */
export interface PageCacheOptions {
  /** Off when templates are not cached either (development). */
  enabled: boolean;
  sessionCookie: string;
  maxEntries?: number;
  maxBytes?: number;
  /** Budgets of the classes routes may name; a page of an unknown class is not kept. */
  classes?: Record<string, { maxEntries: number; maxBytes: number }>;
  /** Changes whenever something outside the store changes what pages look like (hooks, slots). */
  versions: () => string;
  /** Told of every page served from the cache (media page views are counted this way). */
  onHit?: (req: Request) => void;
}

interface Entry {
  /**
   * Kept encoded: sending a string made Node encode it again on every hit (a 35 KB homepage was
   * ~70 KB of garbage per request, and scavenges then took an eighth of the CPU). Headers and body
   * still leave in one write (res.end corks the socket).
   */
  body: Buffer;
  length: number;
  etag: string | undefined;
  type: string;
  /** The route's own Cache-Control (search pages say no-cache), sent again with every hit. */
  cacheControl: string | undefined;
  token: string;
}

export interface PageCache {
  middleware: (req: Request, res: Response, next: NextFunction) => void;
  /** Forgets every cached page. Call it after any change that shows on public pages outside the store. */
  bump(): void;
  readonly generation: number;
  /** `shared`: requests that waited for another request's render of the same page and got its body. */
  stats(): { entries: number; bytes: number; hits: number; misses: number; shared: number; byClass: Record<string, { entries: number; bytes: number }> };
}

/** The class of pages routes do not name. */
const PAGES = 'pages';

/** Entries of one class, in recency order (a hit moves its entry to the end; eviction takes from the front). */
interface Pool {
  entries: Map<string, Entry>;
  bytes: number;
  maxEntries: number;
  maxBytes: number;
}

/** The request carries no session cookie: no user, nothing per visitor. */
export function isAnonymous(req: Request, sessionCookie: string): boolean {
  const cookies = req.cookies as Record<string, unknown> | undefined;
  return cookies?.[sessionCookie] === undefined;
}

export function createPageCache(options: PageCacheOptions): PageCache {
  const budgets = { ...options.classes, [PAGES]: { maxEntries: options.maxEntries ?? 1000, maxBytes: options.maxBytes ?? 64 * 1024 * 1024 } };
  const emptyPools = () => new Map(Object.entries(budgets).map(([name, b]) => [name, { entries: new Map(), bytes: 0, ...b } as Pool]));
  let pools = emptyPools();
  let generation = 0;
  let hits = 0;
  let misses = 0;
  let shared = 0;
  const token = () => `${generation}:${options.versions()}`;
  /** Renders under way, by key: the entry they stored, or undefined when they kept nothing. */
  const flights = new Map<string, { token: string; done: Promise<Entry | undefined> }>();

  function find(key: string): { pool: Pool; entry: Entry } | undefined {
    for (const pool of pools.values()) {
      const entry = pool.entries.get(key);
      if (entry) return { pool, entry };
    }
    return undefined;
  }

  function remember(key: string, className: string, entry: Entry) {
    const pool = pools.get(className);
    if (!pool) return;
    const old = find(key);
    if (old) {
      old.pool.bytes -= old.entry.length;
      old.pool.entries.delete(key);
    }
    pool.entries.set(key, entry);
    pool.bytes += entry.length;
    for (const [k, e] of pool.entries) {
      if (pool.entries.size <= pool.maxEntries && pool.bytes <= pool.maxBytes) break;
      pool.entries.delete(k);
      pool.bytes -= e.length;
    }
  }

  /** Answers with a kept page: a hit, or a render another request of the same page just made. */
  function sendEntry(req: Request, res: Response, entry: Entry, how: 'hit' | 'shared'): void {
    options.onHit?.(req);
    res.locals.pageCacheHit = true;
    res.setHeader('X-Page-Cache', how);
    res.setHeader('Content-Type', entry.type);
    // One the gate set for this visitor (private) stays: never widened.
    if (entry.cacheControl && !res.hasHeader('Cache-Control')) res.setHeader('Cache-Control', entry.cacheControl);
    if (entry.etag) res.setHeader('ETag', entry.etag);
    if (req.fresh) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.setHeader('Content-Length', entry.length);
    res.end(req.method === 'HEAD' ? undefined : entry.body);
  }

  function middleware(req: Request, res: Response, next: NextFunction): void {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !(req.headers.accept ?? '').includes('text/html')) return next();
    // Whatever the visitor, a page depends on the cookies (session, language) and may on the language header.
    const site = res.locals.site as RequestSite | undefined;
    res.setHeader('Vary', site?.skeleton.visitorsMayChooseLanguage ? 'Cookie, Accept-Language' : 'Cookie');
    if (!options.enabled || !site || req.user || !isAnonymous(req, options.sessionCookie) || req.originalUrl.length > 1024) return next();

    // The scheme and host too: pages may carry absolute links made from them (the media page's
    // embed code); behind a trusted proxy the scheme comes from X-Forwarded-Proto.
    const key = `${site.lang}\n${site.theme}\n${req.protocol}://${req.headers.host ?? ''}\n${req.originalUrl}`;
    const current = token();
    const found = find(key);
    if (found && found.entry.token === current) {
      hits++;
      found.pool.entries.delete(key);
      found.pool.entries.set(key, found.entry);
      sendEntry(req, res, found.entry, 'hit');
      return;
    }
    const flight = flights.get(key);
    if (flight && flight.token === current) {
      void flight.done.then((entry) => {
        if (res.headersSent || res.destroyed) return;
        if (!entry) {
          // Nothing to share: this request renders its own page (and keeps none: the key's flight is over).
          misses++;
          res.setHeader('X-Page-Cache', 'miss');
          return next();
        }
        shared++;
        sendEntry(req, res, entry, 'shared');
      });
      return;
    }
    misses++;
    res.setHeader('X-Page-Cache', 'miss');
    let land!: (entry: Entry | undefined) => void;
    const done = new Promise<Entry | undefined>((resolve) => (land = resolve));
    flights.set(key, { token: current, done });
    const settle = (entry: Entry | undefined) => {
      if (flights.get(key)?.done === done) flights.delete(key);
      land(entry);
    };
    // A render that never reaches res.send (a redirect, an error, a closed connection) lets its waiters go.
    res.once('close', () => settle(undefined));
    const cookiesBefore = res.getHeader('Set-Cookie');
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      res.send = send;
      const type = String(res.getHeader('Content-Type') ?? '');
      const cacheControl = String(res.getHeader('Cache-Control') ?? '');
      if (
        res.statusCode === 200 &&
        typeof body === 'string' &&
        type.startsWith('text/html') &&
        !res.locals.noPageCache &&
        res.getHeader('Set-Cookie') === cookiesBefore &&
        !/no-store|private/.test(cacheControl) &&
        token() === current
      ) {
        const etagFn = req.app.get('etag fn') as ((body: Buffer) => string) | undefined;
        const encoded = Buffer.from(body, 'utf8');
        const etag = etagFn?.(encoded);
        const entry: Entry = { body: encoded, length: encoded.length, etag, type, cacheControl: cacheControl || undefined, token: current };
        const className = String(res.locals.pageCacheClass ?? PAGES);
        remember(key, className, entry);
        // Waiters get the page even when its class keeps no copy (an unknown class): it was rendered for the same key.
        settle(entry);
        // Sent as kept: Express then neither encodes the page again nor hashes it for its own ETag.
        if (etag) res.setHeader('ETag', etag);
        if (/charset=utf-8/i.test(type)) return send(encoded);
      } else settle(undefined);
      return send(body);
    };
    next();
  }

  return {
    middleware,
    bump() {
      generation++;
      pools = emptyPools();
    },
    get generation() {
      return generation;
    },
    stats: () => {
      const byClass = Object.fromEntries([...pools].map(([name, p]) => [name, { entries: p.entries.size, bytes: p.bytes }]));
      const all = Object.values(byClass);
      return { entries: all.reduce((n, c) => n + c.entries, 0), bytes: all.reduce((n, c) => n + c.bytes, 0), hits, misses, shared, byClass };
    },
  };
}
