import { Router, type Response } from 'express';
import type { Media, Store } from '../store/index.ts';
import type { I18n } from '../i18n/index.ts';
import { countPublishedBy, criteria, type SearchService } from '../search/index.ts';
import type { AuthorDirectory } from '../authors/directory.ts';
import { publicOriginOr400 } from '../http/public-origin.ts';
import { escapeMarkup } from '../text/escape.ts';

export interface SitemapDeps {
  store: Store;
  search: SearchService;
  /** Who has an author page (none while the media display settings hide authors). */
  authors: AuthorDirectory;
  i18n: I18n;
  /** The configured public address (config `baseUrl`); '' to take it from the request. */
  baseUrl: string;
  /** Media pages per sitemap file (the protocol allows 50,000; smaller files are cheaper to build). */
  urlsPerFile?: number;
}

const day = (iso: string | null | undefined) => (iso && /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : undefined);

function urlset(entries: Array<{ loc: string; lastmod?: string }>): string {
  const urls = entries.map((e) => `<url><loc>${escapeMarkup(e.loc)}</loc>${e.lastmod ? `<lastmod>${e.lastmod}</lastmod>` : ''}</url>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls}\n</urlset>\n`;
}

/**
 * Sitemaps (sitemaps.org 0.9) for search engines: `/sitemap.xml` is an index of
 * `/sitemap-pages.xml` (the homepage, visible sectors, keywords that have published media, the
 * pages of authors who have some) and `/sitemap-media-<n>.xml` (published media pages, oldest
 * first, so a new media lands in the last file and the others keep their content). robots.txt names the index. Like every path they sit
 * behind the access gate: with the intranet on, crawlers get 401.
 */
export function createSitemapRoutes(deps: SitemapDeps): Router {
  const router = Router();
  const perFile = deps.urlsPerFile ?? 10_000;
  // What a visitor may open: published media, as the plugins' search filters leave them.
  const published = (page: number, perPage: number) => deps.search.search(criteria({ sort: 'date', order: 'asc', page, perPage, facets: false, statuses: ['published'] }), { user: null, source: 'sitemap' });

  function send(res: Response, xml: string) {
    // An access rule may have made the answer private already (the intranet): never widen it.
    if (!res.hasHeader('Cache-Control')) res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type('application/xml; charset=utf-8').send(xml);
  }

  router.get('/sitemap.xml', async (req, res) => {
    const origin = publicOriginOr400(req, res, deps.baseUrl, deps.i18n);
    if (!origin) return;
    const total = (await published(1, 1)).total;
    const files = ['/sitemap-pages.xml', ...Array.from({ length: Math.ceil(total / perFile) }, (_, i) => `/sitemap-media-${i + 1}.xml`)];
    const entries = files.map((f) => `<sitemap><loc>${escapeMarkup(origin + f)}</loc></sitemap>`).join('\n');
    send(res, `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${entries}\n</sitemapindex>\n`);
  });

  router.get('/sitemap-pages.xml', async (req, res) => {
    const origin = publicOriginOr400(req, res, deps.baseUrl, deps.i18n);
    if (!origin) return;
    const sectors = (await deps.store.sectors.list()).filter((s) => s.visible).sort((a, b) => a.order - b.order);
    const groups = new Map((await deps.store.keywordGroups.list()).map((g) => [g.id, g]));
    const keywords = (await deps.store.keywords.list()).filter((k) => groups.has(k.groupId));
    const counts = await countPublishedBy(deps.search, 'keywords', keywords.map((k) => k.id), { user: null, source: 'sitemap' });
    // Keyword slugs keep letters of every script (`москва`): a <loc> must be ASCII, percent-encoded.
    const keywordPages = keywords.filter((k) => counts.has(k.id)).map((k) => `/keywords/${encodeURIComponent(groups.get(k.groupId)!.slug)}/${encodeURIComponent(k.slug)}`);
    const authorPages = (await deps.authors.list()).map((a) => a.href);
    send(res, urlset([{ loc: `${origin}/` }, ...sectors.map((s) => ({ loc: `${origin}/sectors/${s.slug}` })), ...[...keywordPages, ...authorPages].map((p) => ({ loc: origin + p }))]));
  });

  router.get('/sitemap-media-:n.xml', async (req, res, next) => {
    const n = /^\d{1,6}$/.test(req.params.n) ? Number(req.params.n) : 0;
    if (n < 1) return next();
    const origin = publicOriginOr400(req, res, deps.baseUrl, deps.i18n);
    if (!origin) return;
    const result = await published(n, perFile);
    if (n > Math.max(1, result.pages) || (n > 1 && result.ids.length === 0)) return next();
    const media = (await deps.store.media.getMany(result.ids)).filter((m): m is Media => !!m && m.status === 'published');
    send(res, urlset(media.map((m) => ({ loc: `${origin}/media/${m.id}`, lastmod: day(m.updatedAt) }))));
  });

  return router;
}
