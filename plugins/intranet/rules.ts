import { BlockList, isIP } from 'node:net';

/**
 * The intranet's decision rules, as pure functions of the request and the settings, so they can be
 * tested without a server. Paths arrive normalised by the access gate (decoded, `.`/`..` resolved,
 * duplicate slashes collapsed, lower-cased, no trailing slash).
 */

/** Paths every visitor needs to be able to sign in. */
export const OPEN_PREFIXES = ['/assets'];
export const OPEN_EXACT = ['/login', '/logout', '/setup', '/favicon.ico', '/robots.txt'];

export interface PathPattern {
  /** `/about` matches only `/about`; `/docs/*` matches `/docs` and everything under it, segment-wise. */
  path: string;
  prefix: boolean;
}

export function normalisePattern(raw: string): PathPattern | null {
  const text = raw.trim();
  if (!text.startsWith('/') || text.startsWith('//')) return null;
  const prefix = text.endsWith('/*');
  const base = (prefix ? text.slice(0, -2) : text).toLowerCase().replace(/\/+$/, '');
  if (/[*?#\\;%\s]/.test(base) || base.split('/').some((s) => s === '.' || s === '..')) return null;
  return { path: base || '/', prefix };
}

export function matchesPattern(path: string, pattern: PathPattern): boolean {
  if (!pattern.prefix) return path === pattern.path;
  if (pattern.path === '/') return true;
  return path === pattern.path || path.startsWith(`${pattern.path}/`);
}

export function isAlwaysOpen(path: string): boolean {
  return OPEN_EXACT.includes(path) || OPEN_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

/** Builds the allowed-address list; throws with the offending line when one is not an address or CIDR range. */
export function compileAddresses(lines: string[]): BlockList {
  const list = new BlockList();
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    const [addr, bits, extra] = line.split('/');
    const family = isIP(addr ?? '');
    if (!family || extra !== undefined) throw new Error(`not an IP address or CIDR range: ${line}`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) {
      list.addAddress(addr!, type);
    } else {
      const prefix = Number(bits);
      if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) throw new Error(`not an IP address or CIDR range: ${line}`);
      list.addSubnet(addr!, prefix, type);
    }
  }
  return list;
}

export function addressAllowed(list: BlockList, ip: string): boolean {
  const family = isIP(ip);
  if (!family) return false;
  if (list.check(ip, family === 4 ? 'ipv4' : 'ipv6')) return true;
  // An IPv4 client seen through an IPv6 socket (::ffff:a.b.c.d) also matches IPv4 rules.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? list.check(mapped[1]!, 'ipv4') : false;
}

/** The media id a content path is about: `/media/:id[/:slug]` and `/files/:id/:variant`. */
export function mediaIdOf(path: string): string | null {
  const m = /^\/(?:media|files)\/(\d+)(?:\/[^/]+)?$/.exec(path);
  return m ? m[1]! : null;
}

export function sectorSlugOf(path: string): string | null {
  const m = /^\/sectors\/([^/]+)$/.exec(path);
  return m ? m[1]! : null;
}
