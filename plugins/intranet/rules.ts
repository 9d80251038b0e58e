/**
 * The intranet's path rules, as pure functions of the gate-normalised path (decoded, `.`/`..`
 * resolved, duplicate slashes collapsed, lower-cased, no trailing slash), so every spelling of a
 * URL reaches the same decision.
 */
import { oembedMediaId } from '../../core/plugins/api.ts';

/**
 * What every visitor needs in order to sign in: matched exactly, or segment-wise under a prefix.
 * `/register` too, so a private site can let people ask to join: core answers it with a 404 while
 * registration is closed, and with approval required the account sees nothing until approved.
 * The password reset pages too: whoever forgot their password is, by definition, not signed in.
 */
const OPEN_EXACT = ['/login', '/logout', '/register', '/password/forgot', '/password/reset', '/setup', '/favicon.ico', '/robots.txt', '/site/logo'];
const OPEN_PREFIXES = ['/assets'];

export function isAlwaysOpen(path: string): boolean {
  return OPEN_EXACT.includes(path) || OPEN_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

/** The media id a content path is about: `/media/:id[/:slug]`, `/files/:id/:variant` and `/embed/:id`. */
export function mediaIdOf(path: string): string | null {
  const embed = /^\/embed\/(\d+)$/.exec(path);
  if (embed) return embed[1]!;
  const m = /^\/(?:media|files)\/(\d+)(?:\/[^/]+)?$/.exec(path);
  return m ? m[1]! : null;
}

/**
 * The media a request is about: its path's (mediaIdOf), or for `/oembed` the media its `url`
 * parameter names, read by core's own reading of it, so an answer is public exactly when the
 * media it describes is.
 */
export function requestMediaId(path: string, originalUrl: string): string | null {
  return path === '/oembed' ? oembedMediaId(originalUrl) : mediaIdOf(path);
}

export function sectorSlugOf(path: string): string | null {
  // The sector's page and its feed (which lists nothing but that sector's published media).
  const m = /^\/sectors\/([^/]+)(?:\/feed)?$/.exec(path);
  return m ? m[1]! : null;
}
