import type { Store } from '../store/index.ts';
import type { SkeletonSettings } from '../settings/skeleton.ts';
import type { SectorService } from '../sectors/service.ts';
import type { NavItem } from '../views/render.ts';

/** Keywords listed under a group in the navigation, at most. */
export const NAV_KEYWORDS_PER_GROUP = 30;

/** The main navigation: visible sectors in order, then each keyword group the skeleton page picked, with its keywords. */
export function createNavigation(deps: { store: Store; sectors: SectorService }) {
  return async (skeleton: SkeletonSettings): Promise<NavItem[]> => {
    const items: NavItem[] = (await deps.sectors.list()).filter((s) => s.visible).map((s) => ({ href: `/sectors/${s.slug}`, label: s.title }));
    if (skeleton.navigationKeywordGroups.length === 0) return items;
    const [groups, keywords] = [await deps.store.keywordGroups.list(), await deps.store.keywords.list()];
    for (const slug of skeleton.navigationKeywordGroups) {
      const group = groups.find((g) => g.slug === slug);
      if (!group) continue;
      const children = keywords
        .filter((k) => k.groupId === group.id)
        .sort((a, b) => a.title.localeCompare(b.title))
        .slice(0, NAV_KEYWORDS_PER_GROUP)
        .map((k) => ({ href: `/keywords/${group.slug}/${k.slug}`, label: k.title }));
      items.push({ label: group.title, children });
    }
    return items;
  };
}
