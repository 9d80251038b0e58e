import { Router } from 'express';
import type { Media, Store } from '../store/index.ts';
import type { I18n } from '../i18n/index.ts';
import type { RequestSite } from '../views/render.ts';
import { parseSearchParams, type ResolvedKeyword } from './params.ts';
import { storeResolvers } from './resolvers.ts';
import type { SearchService } from './service.ts';
import { cachedLookups, facetView, loadMedia } from './view-model.ts';
import { isStaff } from './routes.ts';
import { searchContextOf } from './request-context.ts';

/** The JSON face of a media item in search results. */
export function mediaSummary(m: Media, keywordRef: (id: string) => string | undefined, sectorSlug: (id: string) => string | undefined) {
  return {
    id: m.id,
    slug: m.slug,
    type: m.type,
    status: m.status,
    title: m.title,
    description: m.description,
    sector: m.sectorId ? (sectorSlug(m.sectorId) ?? null) : null,
    keywords: m.keywordIds.map(keywordRef).filter((r): r is string => !!r),
    licence: m.licence,
    createdAt: m.createdAt,
    publishedAt: m.publishedAt,
    views: m.views,
    url: `/media/${m.id}`,
    thumb: m.variants?.thumb ? `/files/${m.id}/thumb` : null,
  };
}

/**
 * GET /api/v1/media: the search as JSON, `{ items, total, page, per_page, pages, facets }`.
 * Only GET on the collection lives here; uploads and edits are the media module's router.
 */
export function createMediaSearchApi(deps: {
  store: Store;
  search: SearchService;
  i18n: I18n;
  resolveKeyword: (ref: string) => Promise<ResolvedKeyword | undefined>;
  /** Aborted when the app closes: its cached reads stop listening to the store. */
  signal: AbortSignal;
}): Router {
  const router = Router();
  const lookupsNow = cachedLookups(deps.store, deps.signal);
  const resolvers = storeResolvers(deps.store, deps.resolveKeyword);

  router.get('/api/v1/media', async (req, res) => {
    const { lang } = res.locals.site as RequestSite;
    const t = (key: string, vars?: Record<string, unknown>) => deps.i18n.t(lang, key, vars);
    const staff = isStaff(req);
    const parsed = await parseSearchParams(req.query as Record<string, unknown>, { mode: 'api', staff, resolvers, authorsShown: (res.locals.site as RequestSite).mediaDisplay.showAuthor });
    const first = parsed.errors[0];
    if (first) {
      res.status(400).json({ error: { code: first.code, message: t(`search.errors.${first.code}`, first.vars), field: first.field } });
      return;
    }
    const result = await deps.search.search(parsed.criteria, searchContextOf(req, 'api'));
    const lookup = await lookupsNow();
    // A hidden sector is not named to visitors, as on the media page.
    const sectorSlug = (id: string) => {
      const s = lookup.sector(id);
      return s && (s.visible || staff) ? s.slug : undefined;
    };
    const items = (await loadMedia(deps.store, result.ids)).map((m) => mediaSummary(m, (id) => lookup.keyword(id)?.ref, sectorSlug));
    const facets = result.facets && facetView(result.facets, lookup, t, { staff });
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json({
      items,
      total: result.total,
      page: result.page,
      per_page: result.perPage,
      pages: result.pages,
      facets: facets && {
        keywords: facets.keywords.map(({ ref, title, group, count }) => ({ ref, title, group, count })),
        types: facets.types.map(({ value, count }) => ({ value, count })),
        years: facets.years.map(({ value, count }) => ({ value, count })),
        sectors: facets.sectors.map(({ slug, title, count }) => ({ slug, title, count })),
      },
    });
  });

  return router;
}
