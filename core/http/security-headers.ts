import helmet, { type HelmetOptions } from 'helmet';
import type { NextFunction, Request, Response } from 'express';

/** Kiosque's helmet settings: a strict CSP (no inline script or style), HSTS only where HTTPS is forced. */
export function helmetOptions(options: { hsts: boolean }): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    strictTransportSecurity: options.hsts,
  };
}

/**
 * The headers helmet sets with these options, found by running helmet itself once on a stand-in
 * response. Our options hold no per-request directive (no nonce, no function), so helmet answers
 * the same for every request; it rebuilds the CSP string and walks 13 middlewares each time.
 * Throws if helmet ever does something other than set or remove headers synchronously.
 */
export function helmetHeaders(options: HelmetOptions): { set: Array<[string, string]>; removed: string[] } {
  const set: Array<[string, string]> = [];
  const removed: string[] = [];
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set.push([name, String(value)]);
      return res;
    },
    removeHeader(name: string) {
      removed.push(name);
    },
  };
  let done = false;
  helmet(options)({} as Request, res as unknown as Response, (err?: unknown) => {
    if (err) throw err;
    done = true;
  });
  if (!done) throw new Error('helmet did not finish synchronously: its headers cannot be precomputed');
  return { set, removed };
}

/** Sends helmet's headers, computed once, on every response: the same set, in one pass. */
export function createSecurityHeaders(options: HelmetOptions) {
  const { set, removed } = helmetHeaders(options);
  return function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of set) res.setHeader(name, value);
    next();
  };
}
