import { onStoreChange, type Store } from '../store/index.ts';
import type { SkeletonSettings } from '../settings/skeleton.ts';
import type { SectorService } from '../sectors/service.ts';
import type { NavItem } from '../views/render.ts';

/** Keywords listed under a group in the navigation, at most. */
export const NAV_KEYWORDS_PER_GROUP = 30;

/**
 * The main navigation: visible sectors in order, then each keyword group the skeleton page picked,
 * with its keywords. Built once per choice of groups and kept (frozen, shared by every page) until
 * sectors, keywords or groups change: every page's layout shows it. It stops listening to the
 * store when `signal` is aborted (the app closed).
 */
export function createNavigation(deps: { store: Store; sectors: SectorService; signal: AbortSignal }) {
  async function build(groupSlugs: readonly string[]): Promise<readonly NavItem[]> {
    const items: NavItem[] = (await deps.sectors.list()).filter((s) => s.visible).map((s) => ({ href: `/sectors/${s.slug}`, label: s.title }));
    if (groupSlugs.length) {
      const [groups, keywords] = [await deps.store.keywordGroups.list(), await deps.store.keywords.list()];
      for (const slug of groupSlugs) {
        const group = groups.find((g) => g.slug === slug);
        if (!group) continue;
        const children = keywords
          .filter((k) => k.groupId === group.id)
          .sort((a, b) => a.title.localeCompare(b.title))
          .slice(0, NAV_KEYWORDS_PER_GROUP)
          .map((k) => Object.freeze({ href: `/keywords/${group.slug}/${k.slug}`, label: k.title }));
        items.push({ href: `/keywords/${group.slug}`, label: group.title, children: Object.freeze(children) as NavItem['children'] });
      }
    }
    return Object.freeze(items.map((item) => Object.freeze(item)));
  }

  let built = new Map<string, Promise<readonly NavItem[]>>();
  onStoreChange(
    deps.store,
    (area) => {
      if (area === 'sectors' || area === 'keywords' || area === 'keywordGroups') built = new Map();
    },
    { signal: deps.signal },
  );
  return (skeleton: SkeletonSettings): Promise<readonly NavItem[]> => {
    const key = skeleton.navigationKeywordGroups.join('\n');
    let found = built.get(key);
    if (!found) {
      const cache = built;
      const pending = build(skeleton.navigationKeywordGroups);
      found = pending;
      cache.set(key, pending);
      pending.catch(() => cache.delete(key));
    }
    return found;
  };
}
