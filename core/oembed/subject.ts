import { queryOf } from '../http/query-of.ts';
import { normalizePath } from '../http/normalize-path.ts';

/**
 * Which media an oEmbed request is about. The route and the access rules (the intranet) both read
 * the request through these functions, so they can never disagree on the media a URL names.
 */

/** The `url` parameter of a request as sent: undefined when missing or empty, null when given more than once. */
export function urlParameter(originalUrl: string): string | undefined | null {
  const values = new URLSearchParams(queryOf(originalUrl).slice(1)).getAll('url');
  if (values.length > 1) return null;
  return values[0] || undefined;
}

/**
 * The media a page address shows, with the address's origin: `/media/:id`, `/media/:id/:slug` (any
 * slug: the page redirects to the right one) and `/embed/:id`, read on the gate-normalised path
 * (so every spelling the site answers is understood). null for anything else, relative addresses
 * and schemes other than http(s) included.
 */
export function mediaPageOf(url: string): { origin: string; id: string } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  const path = normalizePath(parsed.pathname);
  const m = path === null ? null : (/^\/media\/(\d{1,15})(?:\/[^/]+)?$/.exec(path) ?? /^\/embed\/(\d{1,15})$/.exec(path));
  return m ? { origin: parsed.origin, id: m[1]! } : null;
}

/**
 * For access rules: the media an oEmbed request (its path and query as sent) asks about, whatever
 * the origin its `url` names (the route answers 404 for another site's), or null.
 */
export function oembedMediaId(originalUrl: string): string | null {
  const url = urlParameter(originalUrl);
  return url ? (mediaPageOf(url)?.id ?? null) : null;
}
