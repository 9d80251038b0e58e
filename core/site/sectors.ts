import { Router } from 'express';
import type { I18n } from '../i18n/index.ts';
import type { Store, Media } from '../store/index.ts';
import type { RenderPage, RequestSite } from '../views/render.ts';
import type { SectorService } from '../sectors/service.ts';
import { mediaCard } from '../search/index.ts';

export const SECTOR_PAGE_SIZE = 24;

const sorters: Record<string, (a: Media, b: Media) => number> = {
  date: (a, b) => (b.publishedAt ?? b.createdAt).localeCompare(a.publishedAt ?? a.createdAt),
  title: (a, b) => a.title.localeCompare(b.title),
  popularity: (a, b) => b.views - a.views,
};

/** /sectors/:slug: a visible sector and its published media, in the sector's display and sort. */
export function createSectorPages(deps: { store: Store; sectors: SectorService; render: RenderPage; i18n: I18n }): Router {
  const router = Router();
  router.get('/sectors/:slug', async (req, res, next) => {
    const sector = await deps.sectors.bySlug(req.params.slug);
    const staff = req.user?.role === 'admin' || req.user?.role === 'editor';
    if (!sector || (!sector.visible && !staff)) return next();
    const all = (await deps.store.media.list()).filter((m) => m.sectorId === sector.id && m.status === 'published').sort(sorters[sector.defaultSort] ?? sorters.date);
    const pages = Math.max(1, Math.ceil(all.length / SECTOR_PAGE_SIZE));
    const page = Math.min(pages, Math.max(1, Number.parseInt(String(req.query.page ?? '1'), 10) || 1));
    const items = all.slice((page - 1) * SECTOR_PAGE_SIZE, page * SECTOR_PAGE_SIZE).map(mediaCard);
    const site = res.locals.site as RequestSite;
    await deps.render(req, res, [`sector-${sector.slug}`, 'sector'], {
      sector,
      items,
      total: all.length,
      pagination: pages > 1 ? { page, pages, prev: page > 1 ? page - 1 : null, next: page < pages ? page + 1 : null } : null,
    }, { title: sector.title || deps.i18n.t(site.lang, 'sectors.untitled') });
  });
  return router;
}
