import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

/**
 * One log line per request, in pino-http's shape (`{ req: { id, method, url }, res: { status },
 * responseTime }`, "request completed"; "request errored" with `err` at 5xx), and an id per
 * request (`req.id`, the `X-Request-Id` header) that error pages and error logs carry.
 *
 * Why not pino-http itself: it builds two child loggers per request (serialising the request into
 * their bindings) and adds and removes three listeners, whether the line is written or not; on an
 * anonymous page-cache hit that was 40–60 µs of a ~300 µs request, most of the gap to issue 8's
 * 0.8 × bare Express. Here nothing is built unless the line's level is enabled.
 * `level(req, res)` picks the level (e.g. debug for page-cache hits).
 */
/** A URL as logged: the value of a `token` parameter (a password reset link's, say) is a secret. */
export function loggedUrl(url: string): string {
  return url.includes('token=') ? url.replace(/([?&]token=)[^&#]*/g, '$1[hidden]') : url;
}

export function createRequestLog(deps: { logger: Logger; level: (res: Response) => 'debug' | 'info' }) {
  const { logger } = deps;
  return function requestLog(req: Request, res: Response, next: NextFunction): void {
    const id = randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    const started = Date.now();
    res.once('close', () => {
      const status = res.statusCode;
      const failed = status >= 500;
      const level = failed ? 'error' : deps.level(res);
      if (!logger.isLevelEnabled(level)) return;
      const line = { req: { id, method: req.method, url: loggedUrl(req.originalUrl) }, res: { status }, responseTime: Date.now() - started };
      if (failed) logger.error({ ...line, err: new Error(`failed with status code ${status}`) }, 'request errored');
      else logger[level](line, res.writableFinished ? 'request completed' : 'request aborted');
    });
    next();
  };
}
