import { Router, type Request, type Response } from 'express';
import type { Store } from '../store/index.ts';
import type { I18n } from '../i18n/index.ts';
import type { RequestSite } from '../views/render.ts';
import { publicOriginOr400 } from '../http/public-origin.ts';
import { queryOf } from '../http/query-of.ts';
import { mediaPageOf, urlParameter } from './subject.ts';
import type { MaxSize } from '../media/embed-size.ts';
import { OEMBED_CACHE_SECONDS, oembedAnswer, oembedXml } from './answer.ts';

export interface OembedRoutesDeps {
  store: Store;
  i18n: I18n;
  /** The configured public address (config `baseUrl`); '' to take it from the request. */
  baseUrl: string;
  /** Whether the visitor could open a path (the access gate's rules), asked of the embed page an answer describes. */
  canSee: (req: Request, path: string) => boolean | Promise<boolean>;
}

/** A `maxwidth`/`maxheight` value: absent or empty → undefined; null when it is not a positive whole number. */
function dimension(value: string | null): number | undefined | null {
  if (value === null || value === '') return undefined;
  return /^\d{1,6}$/.test(value) && Number(value) > 0 ? Number(value) : null;
}

/**
 * `/oembed?url=&format=json|xml&maxwidth=&maxheight=`: the oEmbed 1.0 provider endpoint
 * (oembed.com) for this site's published media pages. Errors follow the spec's statuses (404 for
 * what has no answer, drafts included; 501 for an unknown format; 401 for what the visitor may not
 * see) with the API's JSON error body. Public answers may be fetched from any origin (CORS) and
 * kept by shared caches; answers an access rule made private (the intranet) stay private.
 */
export function createOembedRoutes(deps: OembedRoutesDeps): Router {
  const router = Router();

  /** For answers nobody is kept from: any site's scripts may read them. */
  function shareIfPublic(res: Response) {
    if (/private/.test(String(res.getHeader('Cache-Control') ?? ''))) return;
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  }

  router.get('/oembed', async (req, res) => {
    const site = res.locals.site as RequestSite;
    const fail = (status: number, code: string, field?: string) => {
      shareIfPublic(res);
      res.setHeader('Cache-Control', /private/.test(String(res.getHeader('Cache-Control') ?? '')) ? 'private, no-store' : 'no-store');
      res.status(status).json({ error: { code, message: deps.i18n.t(site.lang, `oembed.errors.${code}`), ...(field ? { field } : {}) } });
    };
    const origin = publicOriginOr400(req, res, deps.baseUrl, deps.i18n);
    if (!origin) return;
    // Read from the query as sent, as the access rules read it (see subject.ts).
    const url = urlParameter(req.originalUrl);
    if (url === undefined) return fail(400, 'url_missing', 'url');
    if (url === null) return fail(400, 'url_repeated', 'url');
    const query = new URLSearchParams(queryOf(req.originalUrl).slice(1));
    const max: MaxSize = {};
    for (const [name, key] of [['maxwidth', 'width'], ['maxheight', 'height']] as const) {
      const value = dimension(query.get(name));
      if (value === null) return fail(400, 'bad_size', name);
      if (value !== undefined) max[key] = value;
    }
    const format = query.get('format') || 'json';
    if (format !== 'json' && format !== 'xml') return fail(501, 'format_unsupported', 'format');

    const page = mediaPageOf(url);
    if (!page || page.origin !== new URL(origin).origin) return fail(404, 'not_found', 'url');
    if (!(await deps.canSee(req, `/embed/${page.id}`))) {
      res.setHeader('Cache-Control', 'private, no-store');
      return fail(401, 'private', 'url');
    }
    const m = await deps.store.media.get(page.id);
    // Drafts are not told apart from media that do not exist.
    if (!m || m.status !== 'published') return fail(404, 'not_found', 'url');
    const author = site.mediaDisplay.showAuthor && m.authorId ? await deps.store.users.get(m.authorId) : undefined;
    const answer = oembedAnswer(m, { origin, providerName: site.skeleton.siteName, authorName: author ? author.displayName || author.username : undefined, max });

    // An access rule may have made the answer private already (the intranet): never widen it.
    if (!res.hasHeader('Cache-Control')) res.setHeader('Cache-Control', `public, max-age=${OEMBED_CACHE_SECONDS}`);
    shareIfPublic(res);
    if (format === 'xml') res.type('text/xml; charset=utf-8').send(oembedXml(answer));
    else res.json(answer);
  });

  return router;
}
