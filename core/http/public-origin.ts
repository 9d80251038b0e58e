import type { Request, Response } from 'express';
import type { I18n } from '../i18n/index.ts';
import type { RequestSite } from '../views/render.ts';

/** A host name or address with an optional port, as a Host header may carry. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Where absolute links (feeds, sitemaps) point: the configured public address (`baseUrl`), else
 * the host the request came to. undefined when the Host header is not a host name: the caller
 * answers 400 rather than writing it into a document.
 */
export function publicOrigin(req: Request, baseUrl: string): string | undefined {
  if (baseUrl) return baseUrl.replace(/\/+$/, '');
  const host = req.get('host') ?? '';
  return HOST.test(host) ? `${req.protocol}://${host}` : undefined;
}

/** publicOrigin, or, when there is none, a 400 sent in the visitor's language (then undefined). */
export function publicOriginOr400(req: Request, res: Response, baseUrl: string, i18n: I18n): string | undefined {
  const origin = publicOrigin(req, baseUrl);
  if (!origin) res.status(400).type('text/plain; charset=utf-8').send(i18n.t((res.locals.site as RequestSite).lang, 'errors.bad_host'));
  return origin;
}
