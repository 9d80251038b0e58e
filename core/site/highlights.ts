import type { Keyword, KeywordGroup, Sector, Store } from '../store/index.ts';
import { readHomepage, type HomepageSettings } from '../settings/homepage.ts';
import { sectorAt } from '../sectors/service.ts';
import { keywordAt } from '../keywords/slug.ts';

/** What the homepage highlights block points at, read as the homepage reads it (former addresses included). */
export interface HighlightsTarget {
  /** Whether the homepage shows the highlights block. */
  shown: boolean;
  source: HomepageSettings['highlightsSource'];
  /** The saved target, trimmed: a sector slug or `group/keyword` ('' when none). */
  target: string;
  /** The sector it leads to now (source `sector`). */
  sector?: Sector;
  /** The keyword it leads to now, with the keyword's own group (source `keyword`). */
  keyword?: { keyword: Keyword; group: KeywordGroup };
}

/** Resolves the highlights' target in lists already read. */
export function resolveHighlights(settings: Pick<HomepageSettings, 'blocks' | 'highlightsSource' | 'highlightsTarget'>, lists: { sectors: readonly Sector[]; groups: readonly KeywordGroup[]; keywords: readonly Keyword[] }): HighlightsTarget {
  const target = settings.highlightsTarget.trim();
  const out: HighlightsTarget = { shown: settings.blocks.includes('highlights'), source: settings.highlightsSource, target };
  if (!target) return out;
  if (settings.highlightsSource === 'sector') out.sector = sectorAt(lists.sectors, target);
  else out.keyword = keywordAt(lists.groups, lists.keywords, target);
  return out;
}

/** The saved highlights' target, resolved against the store as it is now. */
export async function readHighlights(store: Store): Promise<HighlightsTarget> {
  const settings = await readHomepage(store);
  if (settings.highlightsSource === 'sector') return resolveHighlights(settings, { sectors: await store.sectors.list(), groups: [], keywords: [] });
  return resolveHighlights(settings, { sectors: [], groups: await store.keywordGroups.list(), keywords: await store.keywords.list() });
}

/** Whether the target names something (it is set) that no longer exists. */
export function isDead(h: HighlightsTarget): boolean {
  return h.target !== '' && !h.sector && !h.keyword;
}

/** Whether the shown highlights block would lose its content if this sector went. */
export function highlightsShowSector(h: HighlightsTarget, sectorId: string): boolean {
  return h.shown && h.sector?.id === sectorId;
}

/** Whether the shown highlights block would lose its content if this keyword went (a merge keeps it: the address follows). */
export function highlightsShowKeyword(h: HighlightsTarget, keywordId: string): boolean {
  return h.shown && h.keyword?.keyword.id === keywordId;
}

/**
 * Whether the shown highlights block would lose its content if this group went with its keywords:
 * the target is one of its keywords, or an address in the group that now leads to a keyword
 * elsewhere (after a merge), which the deletion forgets.
 */
export function highlightsShowGroup(h: HighlightsTarget, group: Pick<KeywordGroup, 'id' | 'slug'>): boolean {
  return h.shown && !!h.keyword && (h.keyword.keyword.groupId === group.id || h.target.split('/')[0] === group.slug);
}
