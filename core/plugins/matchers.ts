import { BlockList, isIP } from 'node:net';
import { parseCidr } from '../settings/form.ts';

/**
 * Helpers plugins get through api.ts, matching the formats the settings form accepts, so what the
 * admin saved and what the plugin checks agree.
 */

/** Builds a matcher for `cidr`-format lines; an IPv4-mapped IPv6 client (`::ffff:192.0.2.1`) matches IPv4 ranges. */
export function cidrMatcher(ranges: readonly string[]): (ip: string) => boolean {
  const list = new BlockList();
  for (const range of ranges) {
    const r = parseCidr(range);
    if (r) list.addSubnet(r.address, r.prefix, r.family);
  }
  return (ip) => {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
    const address = mapped ?? ip;
    const version = isIP(address);
    if (version === 0) return false;
    return list.check(address, version === 4 ? 'ipv4' : 'ipv6');
  };
}

/**
 * Does a normalised path match a `path-pattern` line? `/a` matches `/a` only; `/a/*` matches
 * everything under `/a/`; `/a*` matches every path starting with `/a`. Never a substring match.
 */
export function matchesPathPattern(pattern: string, path: string): boolean {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
}
