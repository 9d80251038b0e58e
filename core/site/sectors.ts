import { Router } from 'express';
import type { I18n } from '../i18n/index.ts';
import type { Store, Media } from '../store/index.ts';
import type { RenderPage, RequestSite } from '../views/render.ts';
import type { SectorService } from '../sectors/service.ts';
import { criteria, defaultOrder, mediaCard, type SearchService } from '../search/index.ts';
import { askedPage, pageOrLast } from '../search/listing.ts';
import { queryOf } from '../http/query-of.ts';
import { searchContextOf } from '../search/request-context.ts';
import { listingAddress } from './share-meta.ts';

export const SECTOR_PAGE_SIZE = 24;

/**
 * /sectors/:slug: a visible sector and its published media, in the sector's display and sort
 * (title A→Z, date and popularity newest/most first), paginated; the media come from the search
 * index's posting lists, so the page never scans every media record, through the plugins' search filters.
 */
export function createSectorPages(deps: { store: Store; sectors: SectorService; search: SearchService; render: RenderPage; i18n: I18n }): Router {
  const router = Router();
  router.get('/sectors/:slug', async (req, res, next) => {
    const sector = await deps.sectors.at(req.params.slug);
    const staff = req.user?.role === 'admin' || req.user?.role === 'editor';
    if (!sector || (!sector.visible && !staff)) return next();
    // One address per sector: another case or a former slug redirects to it, with the query kept.
    if (req.params.slug !== sector.slug) return res.redirect(301, `/sectors/${sector.slug}${queryOf(req.originalUrl)}`);
    const sort = sector.defaultSort ?? 'date';
    const context = searchContextOf(req, 'sector');
    const find = (page: number) => deps.search.search(criteria({ sectorIds: [sector.id], statuses: ['published'], sort, order: defaultOrder(sort), page, perPage: SECTOR_PAGE_SIZE, facets: false }), context);
    const result = await pageOrLast(find, askedPage(req.query.page));
    const { page, pages } = result;
    const found = await deps.store.media.getMany(result.ids);
    const items = found.filter((m): m is Media => !!m && m.status === 'published').map(mediaCard);
    const site = res.locals.site as RequestSite;
    await deps.render(req, res, [`sector-${sector.slug}`, 'sector'], {
      sector,
      items,
      total: result.total,
      pagination: pages > 1 ? { page, pages, prev: page > 1 ? page - 1 : null, next: page < pages ? page + 1 : null } : null,
    }, {
      title: sector.title || deps.i18n.t(site.lang, 'sectors.untitled'),
      feeds: [{ title: deps.i18n.t(site.lang, 'feeds.link_sector', { sector: sector.title }), href: `/sectors/${sector.slug}/feed` }],
      // A hidden sector's page (staff only) is not one to find.
      share: sector.visible ? { canonical: listingAddress(`/sectors/${sector.slug}`, page), type: 'website', description: sector.description } : undefined,
    });
  });
  return router;
}
