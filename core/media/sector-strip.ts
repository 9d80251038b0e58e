import type { Media, Store } from '../store/index.ts';
import { criteria, type SearchContext, type SearchService } from '../search/index.ts';

/** One small thumbnail of the media page's navigation strip. */
export interface StripItem {
  href: string;
  title: string;
  type: Media['type'];
  /** The thumbnail file, shown at `width` × `height` (fitted in the box); null when the media has none. */
  thumb: string | null;
  width?: number;
  height?: number;
}

/** `width` × `height` scaled down (never up) to fit a `box` × `box` square, at least 1 px each way. */
export function fitInBox(width: number, height: number, box: number): { width: number; height: number } {
  const scale = Math.min(1, box / width, box / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * The skeleton's "navigation thumbnails": the newest published media of the same sector as `m`
 * (itself left out), `count` of them at most, read from the search index (no scan of the store)
 * through the plugins' search filters (source `media`).
 * A media without a sector, or a count of 0, has none.
 */
export async function sectorStrip(deps: { store: Store; search: SearchService }, m: Media, options: { count: number; box: number; user: SearchContext['user'] }): Promise<StripItem[]> {
  if (!m.sectorId || options.count <= 0) return [];
  const context: SearchContext = { user: options.user, source: 'media' };
  const result = await deps.search.search(criteria({ sectorIds: [m.sectorId], statuses: ['published'], sort: 'date', order: 'desc', perPage: options.count + 1, facets: false }), context);
  const ids = result.ids.filter((id) => id !== m.id).slice(0, options.count);
  const found = await deps.store.media.getMany(ids);
  return found
    .filter((x): x is Media => !!x && x.status === 'published')
    .map((x) => {
      const thumb = x.variants.thumb;
      const item: StripItem = { href: `/media/${x.id}/${x.slug}`, title: x.title, type: x.type, thumb: thumb ? `/files/${x.id}/thumb` : null };
      if (thumb?.width && thumb.height) Object.assign(item, fitInBox(thumb.width, thumb.height, options.box));
      return item;
    });
}
