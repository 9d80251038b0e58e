import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Runs `handler` (a router) only for paths at or under `prefix`; every other request skips it
 * without walking its routes. Matching follows Express's: case-insensitive, on the path as sent.
 * Public pages pass a dozen admin routers on their way to their own; this keeps that walk short.
 */
export function underPath(prefix: string, handler: RequestHandler): RequestHandler {
  const lower = prefix.toLowerCase();
  const scoped = (req: Request, res: Response, next: NextFunction) => {
    const path = req.path.toLowerCase();
    if (path === lower || path.startsWith(`${lower}/`)) return handler(req, res, next);
    next();
  };
  // The router's routes stay visible to whatever lists an app's routes by walking `stack` (the intranet route test does).
  Object.defineProperty(scoped, 'stack', { get: () => (handler as unknown as { stack?: unknown }).stack });
  return scoped;
}
