import type { Request } from 'express';

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
