import './augment.ts';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Hooks } from '../plugins/hooks.ts';
import type { Role } from '../store/index.ts';
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

function wantsHtml(req: Request): boolean {
  if (req.method !== 'GET') return false;
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html');
}

export function coreDecision(a: AccessRequest): AccessDecision {
  if (isUnder(a.path, '/admin')) {
    if (!a.user) return { allow: false, reason: 'admin area needs a signed-in user' };
    if (a.user.role === 'member') return { allow: false, reason: 'members have no admin access' };
  }
  return { allow: true };
}

/**
 * The single place that decides whether this request may go on, for every path and method,
 * before any file is served. Core rules first, then the plugins' `access` filter; a filter that
 * throws means deny.
 */
export function createAccessGate(deps: AccessGateDeps) {
  return async function accessGate(req: Request, res: Response, next: NextFunction): Promise<void> {
    const path = normalizePath(req.path);
    if (path === null) {
      res.status(400).type('text/plain').send('Bad Request');
      return;
    }
    const user = req.user ? { id: req.user.id, username: req.user.username, role: req.user.role } : null;
    const request: AccessRequest = { method: req.method, path, originalUrl: req.originalUrl, user, ip: req.ip ?? req.socket.remoteAddress ?? '', wantsHtml: wantsHtml(req) };
    res.locals.accessPath = path;

    if (isUnder(path, '/admin') && (await deps.needsSetup())) {
      if (request.wantsHtml) return void res.redirect(302, '/setup');
      res.status(401).end();
      return;
    }

    let decision = coreDecision(request);
    // An admin can always reach the plugins page, so a faulty access filter can be switched off.
    const pluginRescue = user?.role === 'admin' && isUnder(path, '/admin/plugins');
    if (decision.allow && !alwaysOpenPaths.includes(path) && !pluginRescue) {
      try {
        decision = await deps.hooks.applyFilterStrict('access', decision, request);
        if (!decision || typeof decision.allow !== 'boolean') decision = { allow: false, reason: 'access filter returned no decision' };
      } catch (err) {
        decision = { allow: false, reason: `access filter failed: ${(err as Error).message}` };
      }
    }
    for (const [name, value] of Object.entries(decision.headers ?? {})) res.setHeader(name, value);
    if (decision.allow) return next();

    deps.logger.debug({ path, method: req.method, reason: decision.reason }, 'access denied');
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Vary', 'Cookie');
    if (user) {
      res.locals.denied = true;
      const err = Object.assign(new Error('Forbidden'), { status: 403, expose: true });
      return next(err);
    }
    if (request.wantsHtml) {
      const target = safeReturnPath(req.originalUrl);
      res.redirect(302, target === '/' ? '/login' : `/login?return=${encodeURIComponent(target)}`);
      return;
    }
    res.status(401).end();
  };
}

export type AccessGate = ReturnType<typeof createAccessGate>;
