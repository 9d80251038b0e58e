import { Router, type Request, type Response } from 'express';
import type { Media, Store } from '../store/index.ts';
import type { I18n } from '../i18n/index.ts';
import type { RequestSite } from '../views/render.ts';
import type { SectorService } from '../sectors/service.ts';
import type { KeywordService } from '../keywords/index.ts';
import type { AuthorDirectory } from '../authors/directory.ts';
import { countPublished, criteria, type SearchCriteria, type SearchService } from '../search/index.ts';
import { cachedLookups } from '../search/view-model.ts';
import { downloadDecision } from '../media/serve.ts';
import { queryOf } from '../http/query-of.ts';
import { publicOriginOr400 } from '../http/public-origin.ts';
import { rssDocument, type Channel } from './rss.ts';
import { searchContextOf } from '../search/request-context.ts';

/** How many media a feed carries: the newest published ones. */
export const FEED_SIZE = 20;

export interface FeedRoutesDeps {
  store: Store;
  search: SearchService;
  sectors: SectorService;
  keywords: KeywordService;
  authors: AuthorDirectory;
  i18n: I18n;
  /** The configured public address (config `baseUrl`); '' to take it from the request. */
  baseUrl: string;
  /** Aborted when the app closes: its cached reads stop listening to the store. */
  signal: AbortSignal;
}

/**
 * RSS feeds of the newest published media: `/feed` (the site), `/sectors/:slug/feed`,
 * `/keywords/:group/:keyword/feed`, `/authors/:username/feed`. They sit behind the access gate
 * like every other path, so a site closed by the intranet answers feed readers 401.
 */
export function createFeedRoutes(deps: FeedRoutesDeps): Router {
  const router = Router();
  const lookups = cachedLookups(deps.store, deps.signal);

  async function send(req: Request, res: Response, channel: Omit<Channel, 'lang' | 'self' | 'link'> & { path: string }, partial: Partial<SearchCriteria>) {
    const site = res.locals.site as RequestSite;
    const base = publicOriginOr400(req, res, deps.baseUrl, deps.i18n);
    if (!base) return;
    const absolute = (path: string) => `${base}${path}`;
    // Whoever asks, a feed lists what anybody may read: published media only.
    const context = searchContextOf(req, 'feed');
    const result = await deps.search.search(criteria({ sort: 'date', order: 'desc', perPage: FEED_SIZE, facets: false, ...partial, statuses: ['published'] }), context);
    const media = (await deps.store.media.getMany(result.ids)).filter((m): m is Media => !!m && m.status === 'published');
    const lookup = await lookups();
    const categories = (m: Media) => m.keywordIds.flatMap((id) => {
      const k = lookup.keyword(id);
      return k ? [deps.i18n.t(site.lang, 'feeds.category', { group: k.group, keyword: k.title })] : [];
    });
    const xml = rssDocument(
      { ...channel, link: absolute(channel.path), self: absolute(req.path), lang: site.lang },
      media,
      { absolute, categories, downloadsOpen: downloadDecision(site.skeleton, false, false) === 'allowed' },
    );
    // An access rule may have made the answer private already (the intranet): never widen it.
    if (!res.hasHeader('Cache-Control')) res.setHeader('Cache-Control', 'public, max-age=300');
    // The channel's words follow the visitor's language where they may choose it (header or cookie).
    if (site.skeleton.visitorsMayChooseLanguage) res.vary('Accept-Language').vary('Cookie');
    res.type('application/rss+xml; charset=utf-8').send(xml);
  }

  router.get('/feed', async (req, res) => {
    const site = res.locals.site as RequestSite;
    const t = (key: string, vars?: Record<string, unknown>) => deps.i18n.t(site.lang, key, vars);
    await send(req, res, { title: t('feeds.site_title', { site: site.skeleton.siteName }), description: site.skeleton.slogan || t('feeds.site_description', { site: site.skeleton.siteName }), path: '/' }, {});
  });

  router.get('/sectors/:slug/feed', async (req, res, next) => {
    const site = res.locals.site as RequestSite;
    const sector = await deps.sectors.at(req.params.slug);
    // As the sector page: a hidden sector has no public address.
    if (!sector || !sector.visible) return next();
    if (sector.slug !== req.params.slug) return res.redirect(301, `/sectors/${sector.slug}/feed${queryOf(req.originalUrl)}`);
    const title = deps.i18n.t(site.lang, 'feeds.sector_title', { sector: sector.title, site: site.skeleton.siteName });
    await send(req, res, { title, description: sector.description || title, path: `/sectors/${sector.slug}` }, { sectorIds: [sector.id] });
  });

  router.get('/keywords/:group/:keyword/feed', async (req, res, next) => {
    const site = res.locals.site as RequestSite;
    const ref = `${req.params.group}/${req.params.keyword}`;
    const keyword = (await deps.keywords.resolve(ref)) ?? (await deps.keywords.resolve(ref.toLowerCase()));
    // As the keyword page for visitors: a keyword only drafts carry has no feed (a feed lists published media only, to anybody).
    if (!keyword || !(await countPublished(deps.search, { keywordIds: [keyword.id] }, searchContextOf(req, 'feed')))) return next();
    if (keyword.ref !== ref) return res.redirect(301, `/keywords/${keyword.ref}/feed${queryOf(req.originalUrl)}`);
    const title = deps.i18n.t(site.lang, 'feeds.keyword_title', { group: keyword.group.title, keyword: keyword.title, site: site.skeleton.siteName });
    await send(req, res, { title, description: keyword.description || title, path: `/keywords/${keyword.ref}` }, { keywordIds: [keyword.id] });
  });

  router.get('/authors/:username/feed', async (req, res, next) => {
    const site = res.locals.site as RequestSite;
    // As the author page: only an author who has one has a feed.
    const author = await deps.authors.at(req.params.username);
    if (!author) return next();
    if (author.username !== req.params.username) return res.redirect(301, `${author.href}/feed${queryOf(req.originalUrl)}`);
    const title = deps.i18n.t(site.lang, 'feeds.author_title', { author: author.name, site: site.skeleton.siteName });
    await send(req, res, { title, description: title, path: author.href }, { authorIds: [author.id] });
  });

  return router;
}
