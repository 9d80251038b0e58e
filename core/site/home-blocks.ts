import { createMarkdownRenderer } from '../text/markdown.ts';
import { cachedRead, type Media, type Store } from '../store/index.ts';
import type { HomepageSettings } from '../settings/homepage.ts';
import { resolveHighlights } from './highlights.ts';
import { criteria, mediaCard, type MediaCard, type SearchContext, type SearchCriteria, type SearchService } from '../search/index.ts';
import { countPublishedBy, publishedFacets } from '../search/listing.ts';

/** A media item as the `media-card` partial needs it. */
export type CardMedia = MediaCard;

export type HomeBlock =
  | { kind: 'description'; text: string }
  | { kind: 'editorial'; html: string }
  | { kind: 'featured' | 'latest'; items: CardMedia[] }
  | { kind: 'highlights'; title: string; href?: string; items: CardMedia[] }
  | { kind: 'tagCloud'; tags: Array<{ href: string; label: string; count: number; weight: number }> }
  | { kind: 'sectors'; sectors: Array<{ title: string; href: string; items: CardMedia[] }> };

/** Keywords in the cloud, at most (the most used ones, shown alphabetically). */
export const TAG_CLOUD_SIZE = 40;

const card = (m: Media): CardMedia => mediaCard(m);

/** The homepage's blocks, in the configured order, as plain data for the theme's `home` template. */
export function createHomeBlocks(deps: { store: Store; search: SearchService; signal: AbortSignal }) {
  // The homepage has its own <h1>: the editorial's headings start one level below.
  const editorial = createMarkdownRenderer({ headingOffset: 1 });
  const { store, signal } = deps;
  // Read once until they change, not copied on every signed-in visitor's homepage (2,000 keywords
  // were a seventh of its time). Only read here: the blocks hand out new objects.
  const sectorsInOrder = cachedRead(store, ['sectors'], async () => (await store.sectors.list()).sort((a, b) => a.order - b.order), { signal });
  const keywordsAndGroups = cachedRead(store, ['keywords', 'keywordGroups'], async () => ({ groups: await store.keywordGroups.list(), keywords: await store.keywords.list() }), { signal });
  /**
   * Published media by the search index (posting lists, no scan of the store), loaded in order,
   * through the plugins' search filters like every other listing: a plugin that hides media from
   * searches hides them from the homepage's blocks too.
   */
  async function find(partial: Partial<SearchCriteria>, count: number, context: SearchContext): Promise<Media[]> {
    const result = await deps.search.search(criteria({ sort: 'date', perPage: Math.max(count, 6), facets: false, ...partial, statuses: ['published'] }), context);
    const found = await store.media.getMany(result.ids.slice(0, count));
    return found.filter((m): m is Media => !!m && m.status === 'published');
  }

  type Tag = Extract<HomeBlock, { kind: 'tagCloud' }>['tags'][number];
  /** The last cloud drawn from each facet list (the search service's frozen answer) and keyword lists. */
  const clouds = new WeakMap<object, { lists: object; tags: Tag[] }>();

  /**
   * The most used keywords (of every group), alphabetically, each weighted by its count. The same
   * facet list and keyword lists give the same cloud: it is drawn once, not on every signed-in
   * visitor's homepage (sorting 2,000 keywords each time).
   */
  async function tagCloud(context: SearchContext): Promise<Tag[]> {
    const lists = await keywordsAndGroups();
    const facets = (await publishedFacets(deps.search, context))?.keywords;
    const kept = facets && clouds.get(facets);
    if (kept && kept.lists === lists) return kept.tags;
    const groupOf = new Map(lists.groups.map((g) => [g.id, g]));
    // Every keyword's count (not the search's top 30 facets, fewer than the cloud shows).
    const counts = await countPublishedBy(deps.search, 'keywords', lists.keywords.filter((k) => groupOf.has(k.groupId)).map((k) => k.id), context);
    // Each count read once (a sort reading the map at every comparison took a millisecond at 2,000 keywords).
    const top = lists.keywords
      .flatMap((k) => (counts.has(k.id) ? [{ k, count: counts.get(k.id)! }] : []))
      .sort((a, b) => b.count - a.count)
      .slice(0, TAG_CLOUD_SIZE);
    // Weights 1 to 5 on a log scale: the most used keyword is 5.
    const max = Math.max(1, ...top.map((x) => x.count));
    const tags = top
      .map(({ k, count }) => ({ href: `/keywords/${groupOf.get(k.groupId)!.slug}/${k.slug}`, label: k.title, count, weight: max === 1 ? 3 : 1 + Math.round((4 * Math.log(count)) / Math.log(max)) }))
      .sort((a, b) => a.label.localeCompare(b.label));
    if (facets) clouds.set(facets, { lists, tags });
    return tags;
  }

  return async (settings: HomepageSettings, context: { description: string; highlightsDefaultTitle: string; user: SearchContext['user'] }): Promise<HomeBlock[]> => {
    const n = settings.itemsPerBlock;
    const searchContext: SearchContext = { user: context.user, source: 'home' };

    const blocks: HomeBlock[] = [];
    for (const kind of settings.blocks) {
      switch (kind) {
        case 'description':
          if (context.description) blocks.push({ kind, text: context.description });
          break;
        case 'editorial':
          if (settings.editorial.trim()) blocks.push({ kind, html: editorial(settings.editorial) });
          break;
        case 'featured': {
          const found = await store.media.getMany(settings.featuredMedia);
          const items = found.filter((m): m is Media => !!m && m.status === 'published').map(card);
          if (items.length) blocks.push({ kind, items });
          break;
        }
        case 'latest':
          blocks.push({ kind, items: (await find({}, settings.latestCount, searchContext)).map(card) });
          break;
        case 'highlights': {
          let chosen: Media[] = [];
          let href: string | undefined;
          const sort = { sort: settings.highlightsSort, order: settings.highlightsSort === 'title' ? 'asc' : 'desc' } as const;
          // By address, so a renamed sector's, or a renamed or merged keyword's, former one still finds it.
          const lists = settings.highlightsSource === 'sector' ? { sectors: await sectorsInOrder(), groups: [], keywords: [] } : { sectors: [], ...(await keywordsAndGroups()) };
          const { sector, keyword: target } = resolveHighlights(settings, lists);
          if (sector?.visible) {
            chosen = await find({ ...sort, sectorIds: [sector.id] }, n, searchContext);
            href = `/sectors/${sector.slug}`;
          } else if (target) {
            chosen = await find({ ...sort, keywordIds: [target.keyword.id] }, n, searchContext);
            href = `/keywords/${target.group.slug}/${target.keyword.slug}`;
          }
          if (chosen.length) blocks.push({ kind, title: settings.highlightsTitle || context.highlightsDefaultTitle, href, items: chosen.map(card) });
          break;
        }
        case 'tagCloud': {
          const tags = await tagCloud(searchContext);
          if (tags.length) blocks.push({ kind, tags });
          break;
        }
        case 'sectors': {
          const out = [];
          for (const s of (await sectorsInOrder()).filter((x) => x.visible)) {
            const items = (await find({ sectorIds: [s.id] }, n, searchContext)).map(card);
            if (items.length) out.push({ title: s.title, href: `/sectors/${s.slug}`, items });
          }
          if (out.length) blocks.push({ kind, sectors: out });
          break;
        }
      }
    }
    return blocks;
  };
}
