import MarkdownIt from 'markdown-it';
import type { Keyword, KeywordGroup, Media, Sector, Store } from '../store/index.ts';
import type { HomepageSettings } from '../settings/homepage.ts';
import { mediaCard, type MediaCard } from '../search/index.ts';

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

/** Raw HTML off (typed HTML comes out as text); markdown-it's link check refuses javascript:, vbscript:, file: and data: links. */
export function createEditorialRenderer() {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
  return (source: string) => md.render(source);
}

/**
 * The published media the homepage draws from, newest first.
 * TODO(search): use the search index's posting lists once core/search is on main; this scan
 * copies every record and is the only place to change.
 */
async function publishedNewestFirst(store: Store): Promise<Media[]> {
  const date = (m: Media) => m.publishedAt ?? m.createdAt;
  return (await store.media.list()).filter((m) => m.status === 'published').sort((a, b) => date(b).localeCompare(date(a)) || Number(b.id) - Number(a.id));
}

const card = (m: Media): CardMedia => mediaCard(m);

const sorters: Record<HomepageSettings['highlightsSort'], (a: Media, b: Media) => number> = {
  // The list comes newest first; a stable sort keeps that as the tie-break.
  date: () => 0,
  title: (a, b) => a.title.localeCompare(b.title),
  popularity: (a, b) => b.views - a.views,
};

function keywordByTarget(target: string, groups: KeywordGroup[], keywords: Keyword[]): { keyword: Keyword; group: KeywordGroup } | undefined {
  const [g, k] = target.split('/');
  const group = groups.find((x) => x.slug === g);
  const keyword = group && keywords.find((x) => x.groupId === group.id && x.slug === k);
  return group && keyword ? { keyword, group } : undefined;
}

/** The homepage's blocks, in the configured order, as plain data for the theme's `home` template. */
export function createHomeBlocks(deps: { store: Store }) {
  const editorial = createEditorialRenderer();
  return async (settings: HomepageSettings, context: { description: string; highlightsDefaultTitle: string }): Promise<HomeBlock[]> => {
    const { store } = deps;
    const needsMedia = settings.blocks.some((b) => b !== 'description' && b !== 'editorial');
    const published = needsMedia ? await publishedNewestFirst(store) : [];
    const n = settings.itemsPerBlock;
    let sectors: Sector[] | undefined;
    const sectorList = async () => (sectors ??= (await store.sectors.list()).sort((a, b) => a.order - b.order));
    let kw: { groups: KeywordGroup[]; keywords: Keyword[] } | undefined;
    const keywordLists = async () => (kw ??= { groups: await store.keywordGroups.list(), keywords: await store.keywords.list() });

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
          const byId = new Map(published.map((m) => [m.id, m]));
          const items = settings.featuredMedia.map((id) => byId.get(id)).filter((m): m is Media => !!m).map(card);
          if (items.length) blocks.push({ kind, items });
          break;
        }
        case 'latest':
          blocks.push({ kind, items: published.slice(0, settings.latestCount).map(card) });
          break;
        case 'highlights': {
          let chosen: Media[] = [];
          let href: string | undefined;
          if (settings.highlightsSource === 'sector') {
            const sector = (await sectorList()).find((s) => s.slug === settings.highlightsTarget && s.visible);
            if (sector) {
              chosen = published.filter((m) => m.sectorId === sector.id);
              href = `/sectors/${sector.slug}`;
            }
          } else {
            const { groups, keywords } = await keywordLists();
            const found = keywordByTarget(settings.highlightsTarget, groups, keywords);
            if (found) {
              chosen = published.filter((m) => m.keywordIds.includes(found.keyword.id));
              href = `/keywords/${found.group.slug}/${found.keyword.slug}`;
            }
          }
          const items = [...chosen].sort(sorters[settings.highlightsSort]).slice(0, n).map(card);
          if (items.length) blocks.push({ kind, title: settings.highlightsTitle || context.highlightsDefaultTitle, href, items });
          break;
        }
        case 'tagCloud': {
          const { groups, keywords } = await keywordLists();
          const counts = new Map<string, number>();
          for (const m of published) for (const id of m.keywordIds) counts.set(id, (counts.get(id) ?? 0) + 1);
          const groupOf = new Map(groups.map((g) => [g.id, g]));
          const used = keywords.filter((k) => (counts.get(k.id) ?? 0) > 0 && groupOf.has(k.groupId));
          const top = used.sort((a, b) => counts.get(b.id)! - counts.get(a.id)!).slice(0, TAG_CLOUD_SIZE);
          // Weights 1 to 5 on a log scale: the most used keyword is 5.
          const max = Math.max(1, ...top.map((k) => counts.get(k.id)!));
          const tags = top
            .map((k) => {
              const count = counts.get(k.id)!;
              return { href: `/keywords/${groupOf.get(k.groupId)!.slug}/${k.slug}`, label: k.title, count, weight: max === 1 ? 3 : 1 + Math.round((4 * Math.log(count)) / Math.log(max)) };
            })
            .sort((a, b) => a.label.localeCompare(b.label));
          if (tags.length) blocks.push({ kind, tags });
          break;
        }
        case 'sectors': {
          const list = (await sectorList()).filter((s) => s.visible);
          const out = list
            .map((s) => ({ title: s.title, href: `/sectors/${s.slug}`, items: published.filter((m) => m.sectorId === s.id).slice(0, n).map(card) }))
            .filter((s) => s.items.length > 0);
          if (out.length) blocks.push({ kind, sectors: out });
          break;
        }
      }
    }
    return blocks;
  };
}
