import './augment.ts';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Hooks } from '../plugins/hooks.ts';
import type { Role } from '../store/index.ts';
import { memoize } from '../util/memo.ts';
import { isUnder, normalizePath } from './normalize-path.ts';
import { safeReturnPath } from '../auth/return-url.ts';

export interface AccessRequest {
  method: string;
  /** Normalised path (see normalizePath): decide on this, never on the raw URL. */
  path: string;
  /** Path and query as the client sent them. */
  originalUrl: string;
  user: { id: string; username: string; role: Role } | null;
  /** The client address: the socket's, or the proxy-reported one only when `trustProxy` is configured. */
  ip: string;
  wantsHtml: boolean;
}

export interface AccessDecision {
  allow: boolean;
  /** Logged, never shown to the visitor. */
  reason?: string;
  /** Headers to add to the response (e.g. Cache-Control for private content). */
  headers?: Record<string, string>;
}

/** Paths no access rule may close: signing in and out, and what the login page itself needs. */
export const alwaysOpenPaths = ['/login', '/logout', '/favicon.ico', '/robots.txt'];

export interface AccessGateDeps {
  hooks: Hooks;
  logger: Logger;
  /** True while no admin exists: /admin leads to /setup. */
  needsSetup: () => Promise<boolean>;
}

/** Paths that never answer with a page: a denied request there gets 401, even from a browser. */
const NON_PAGE_PREFIXES = ['/files', '/api', '/oembed'];

function wantsHtml(req: Request, path: string): boolean {
  if (req.method !== 'GET') return false;
  if (NON_PAGE_PREFIXES.some((p) => isUnder(path, p))) return false;
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html');
}

/**
 * The admin paths editors work in (with the dashboard, `/admin` itself). The rest of the admin
 * area is the admins': a new admin route is closed to editors even if it forgets its role check.
 */
const EDITOR_AREAS = ['/admin/media', '/admin/keywords'];

export function coreDecision(a: Pick<AccessRequest, 'path' | 'user'>): AccessDecision {
  if (isUnder(a.path, '/admin')) {
    if (!a.user) return { allow: false, reason: 'admin area needs a signed-in user' };
    if (a.user.role === 'member') return { allow: false, reason: 'members have no admin access' };
    if (a.user.role === 'editor' && a.path !== '/admin' && !EDITOR_AREAS.some((p) => isUnder(a.path, p))) return { allow: false, reason: 'editors have the media and keywords admin only' };
  }
  if (isUnder(a.path, '/account') && !a.user) return { allow: false, reason: 'the account page needs a signed-in user' };
  return { allow: true };
}

/**
 * Whether this visitor could open `target` (a site path) with a GET: the gate's own rules, asked
 * ahead of time so that pages do not link to — or name — what the visitor may not see
 * (e.g. the navigation's sectors on an intranet's login page).
 */
export function createAccessCheck(deps: { hooks: Hooks }) {
  // The targets are the site's own links (navigation, mostly the same few on every page).
  const normalize = memoize(normalizePath, 2000);
  // The layout asks this for every navigation link of every page: without access filters, core's
  // word is final and the answer comes back at once (no promise, no request record).
  return (req: Request, target: string): boolean | Promise<boolean> => {
    const path = normalize(target);
    if (path === null) return false;
    const user = req.user ? { id: req.user.id, username: req.user.username, role: req.user.role } : null;
    if (!deps.hooks.has('access')) return coreDecision({ path, user }).allow;
    const request: AccessRequest = { method: 'GET', path, originalUrl: target, user, ip: req.ip ?? req.socket.remoteAddress ?? '', wantsHtml: true };
    const decision = coreDecision(request);
    if (!decision.allow) return false;
    return deps.hooks.applyFilterStrict<AccessDecision>('access', decision, request).then(
      (filtered) => !!filtered && filtered.allow === true,
      () => false,
    );
  };
}

/**
 * The single place that decides whether this request may go on, for every path and method,
 * before any file is served. Core rules first, then the plugins' `access` filter; a filter that
 * throws means deny.
 */
export function createAccessGate(deps: AccessGateDeps) {
  /** Applies a decision: its headers, then on to the next layer, or the refusal. */
  function finish(req: Request, res: Response, next: NextFunction, request: AccessRequest, decision: AccessDecision): void {
    for (const [name, value] of Object.entries(decision.headers ?? {})) res.setHeader(name, value);
    if (decision.allow) return next();

    deps.logger.debug({ path: request.path, method: req.method, reason: decision.reason }, 'access denied');
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Vary', 'Cookie');
    if (request.user) {
      res.locals.denied = true;
      const err = Object.assign(new Error('Forbidden'), { status: 403, expose: true });
      return next(err);
    }
    if (request.wantsHtml) {
      res.redirect(302, `/login?return=${encodeURIComponent(safeReturnPath(req.originalUrl))}`);
      return;
    }
    res.status(401).end();
  }

  /** The plugins' say, after core allowed: a filter that throws or answers nonsense means deny. */
  async function withPlugins(request: AccessRequest, decision: AccessDecision): Promise<AccessDecision> {
    try {
      const filtered = await deps.hooks.applyFilterStrict('access', decision, request);
      if (!filtered || typeof filtered.allow !== 'boolean') return { allow: false, reason: 'access filter returned no decision' };
      return filtered;
    } catch (err) {
      return { allow: false, reason: `access filter failed: ${(err as Error).message}` };
    }
  }

  async function decideAdmin(req: Request, res: Response, next: NextFunction, request: AccessRequest): Promise<void> {
    if (await deps.needsSetup()) {
      if (request.wantsHtml) return void res.redirect(302, '/setup');
      res.status(401).end();
      return;
    }
    let decision = coreDecision(request);
    // An admin can always reach the plugins page, so a faulty access filter can be switched off.
    const pluginRescue = request.user?.role === 'admin' && isUnder(request.path, '/admin/plugins');
    if (decision.allow && !pluginRescue) decision = await withPlugins(request, decision);
    finish(req, res, next, request, decision);
  }

  // Synchronous unless there is something to wait for (the setup check on /admin, a plugin's
  // access filter): the common anonymous page then costs no promise and no extra tick.
  return function accessGate(req: Request, res: Response, next: NextFunction): void | Promise<void> {
    const path = normalizePath(req.path);
    if (path === null) {
      // A path that cannot be read (bad escape, NUL, …) reaches no route: only the error page, in the visitor's language.
      next(Object.assign(new Error('Bad Request'), { status: 400, expose: true }));
      return;
    }
    const user = req.user ? { id: req.user.id, username: req.user.username, role: req.user.role } : null;
    const request: AccessRequest = {
      method: req.method,
      path,
      originalUrl: req.originalUrl,
      user,
      // Worked out only if a rule asks (the trusted-proxy walk is not free).
      get ip() {
        return req.ip ?? req.socket.remoteAddress ?? '';
      },
      wantsHtml: wantsHtml(req, path),
    };
    res.locals.accessPath = path;

    if (isUnder(path, '/admin')) return decideAdmin(req, res, next, request);
    const decision = coreDecision(request);
    if (decision.allow && !alwaysOpenPaths.includes(path) && deps.hooks.has('access')) {
      return withPlugins(request, decision).then((d) => finish(req, res, next, request, d));
    }
    finish(req, res, next, request, decision);
  };
}

export type AccessGate = ReturnType<typeof createAccessGate>;
