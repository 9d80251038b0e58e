import { onStoreChange, type Keyword, type Store } from '../store/index.ts';
import type { SkeletonSettings } from '../settings/skeleton.ts';
import type { SectorService } from '../sectors/service.ts';
import type { NavItem } from '../views/render.ts';
import { countPublished, type SearchService } from '../search/index.ts';

/** Keywords listed under a group in the navigation, at most. */
export const NAV_KEYWORDS_PER_GROUP = 30;

/**
 * The main navigation: visible sectors in order, then each keyword group the skeleton page picked,
 * with those of its keywords that published media carry, as the plugins' search filters leave them
 * for a visitor (source `navigation`): a keyword given only to drafts (an embargoed subject) is not
 * named on every page, and no link leads to an empty keyword page, as on the group's own page.
 * Built once per choice of groups and kept (frozen, shared by every page) until sectors, keywords
 * or groups change, or the search index or the hooks do: every page's layout shows it. It stops
 * listening to the store when `signal` is aborted (the app closed).
 */
export function createNavigation(deps: { store: Store; sectors: SectorService; search: Pick<SearchService, 'search' | 'index'>; hooksVersion: () => number; signal: AbortSignal }) {
  const anyPublished = async (k: Keyword) => (await countPublished(deps.search, { keywordIds: [k.id] }, { user: null, source: 'navigation' })) > 0;
  async function build(groupSlugs: readonly string[]): Promise<readonly NavItem[]> {
    const items: NavItem[] = (await deps.sectors.list()).filter((s) => s.visible).map((s) => ({ href: `/sectors/${s.slug}`, label: s.title }));
    if (groupSlugs.length) {
      const [groups, keywords] = [await deps.store.keywordGroups.list(), await deps.store.keywords.list()];
      for (const slug of groupSlugs) {
        const group = groups.find((g) => g.slug === slug);
        if (!group) continue;
        const children: Array<{ href: string; label: string }> = [];
        for (const k of keywords.filter((x) => x.groupId === group.id).sort((a, b) => a.title.localeCompare(b.title))) {
          if (children.length === NAV_KEYWORDS_PER_GROUP) break;
          if (await anyPublished(k)) children.push(Object.freeze({ href: `/keywords/${group.slug}/${k.slug}`, label: k.title }));
        }
        items.push({ href: `/keywords/${group.slug}`, label: group.title, children: Object.freeze(children) as NavItem['children'] });
      }
    }
    return Object.freeze(items.map((item) => Object.freeze(item)));
  }

  let built = new Map<string, Promise<readonly NavItem[]>>();
  // The keywords shown depend on which media are published and on the plugins' search filters: what
  // was built before the search index or the hooks changed is dropped.
  let builtFor = '';
  onStoreChange(
    deps.store,
    (area) => {
      if (area === 'sectors' || area === 'keywords' || area === 'keywordGroups') built = new Map();
    },
    { signal: deps.signal },
  );
  return (skeleton: SkeletonSettings): Promise<readonly NavItem[]> => {
    const key = skeleton.navigationKeywordGroups.join('\n');
    const current = `${deps.search.index.version}:${deps.hooksVersion()}`;
    if (current !== builtFor) {
      built = new Map();
      builtFor = current;
    }
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
