import type { Sector, Store } from '../store/index.ts';
import type { ResolvedKeyword, Resolvers } from './params.ts';
import { sectorAt } from '../sectors/service.ts';

/** Turns the slugs and usernames of a search URL into ids, from the store (`sectors`: a cached read of them, if the caller keeps one). */
export function storeResolvers(store: Store, keyword: (ref: string) => Promise<ResolvedKeyword | undefined>, sectors: () => Sector[] | Promise<Sector[]> = () => store.sectors.list()): Resolvers {
  return {
    keyword,
    async sector(slug, staff) {
      // A renamed sector's former address still finds it (links and bookmarks made before the change).
      const s = sectorAt(await sectors(), slug);
      return s && (s.visible || staff) ? { id: s.id, slug: s.slug, title: s.title } : undefined;
    },
    async author(username) {
      const u = await store.users.getByUsername(username);
      return u && { id: u.id, username: u.username, displayName: u.displayName };
    },
  };
}
