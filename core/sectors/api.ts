import { Router } from 'express';
import { countPublishedBy, type SearchService } from '../search/index.ts';
import type { SectorService } from './service.ts';
import { searchContextOf } from '../search/request-context.ts';

/** The JSON face of a sector. `visible` is given to staff only (everybody else sees visible sectors only). */
export interface SectorSummary {
  id: string;
  slug: string;
  title: string;
  description: string;
  order: number;
  /** Published media in the sector (drafts are not counted, whoever asks). */
  mediaCount: number;
  url: string;
  visible?: boolean;
}

/**
 * GET /api/v1/sectors: the sectors in navigation order, `{ items }`. Visitors and members get the
 * visible ones; editors and admins all of them, with `visible`. Counts come from one search, as the plugins' search filters leave it.
 */
export function createSectorsApi(deps: { sectors: SectorService; search: SearchService }): Router {
  const router = Router();
  router.get('/api/v1/sectors', async (req, res) => {
    const staff = req.user?.role === 'admin' || req.user?.role === 'editor';
    const sectors = (await deps.sectors.list()).filter((s) => s.visible || staff);
    // What a visitor may open, as the plugins' search filters leave it (as on the sector pages).
    const counts = await countPublishedBy(deps.search, 'sectors', sectors.map((s) => s.id), searchContextOf(req, 'api'));
    const items: SectorSummary[] = sectors.map((s) => ({ id: s.id, slug: s.slug, title: s.title, description: s.description, order: s.order, mediaCount: counts.get(s.id) ?? 0, url: `/sectors/${s.slug}`, ...(staff ? { visible: s.visible } : {}) }));
    // Hidden sectors may be in the answer: never kept by a shared cache.
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json({ items });
  });
  return router;
}
