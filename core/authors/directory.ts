import type { Store, User } from '../store/index.ts';
import { countPublished, type SearchService } from '../search/index.ts';
import { readMediaDisplay, type MediaDisplaySettings } from '../settings/media-display.ts';

/** What the public side knows of an account that has an author page: never its role or state. */
export interface Author {
  id: string;
  /** As stored: the page's one address uses this spelling. */
  username: string;
  /** The display name, or the username when it has none. */
  name: string;
  /** `/authors/<username>`, URL-encoded. */
  href: string;
}

export interface AuthorDirectory {
  /** The author whose username is `username` (in any case, as sign-in takes it), if they have a page. */
  at(username: string): Promise<Author | undefined>;
  /** The author of a media (by user id), if they have a page. */
  byId(id: string): Promise<Author | undefined>;
  /** Every author who has a page, by username. */
  list(): Promise<Author[]>;
}

export function authorHref(username: string): string {
  return `/authors/${encodeURIComponent(username)}`;
}

/**
 * Who has an author page (`/authors/:username`, its feed, its sitemap entry, the link from media
 * pages): an account with at least one published media, while the media display settings show
 * authors (hidden, the site chose not to say who uploaded what, so no page says it either).
 * A disabled account keeps its page: its published media stay published, and its name stays on
 * them. A deleted account has none (its media name nobody).
 */
export function createAuthorDirectory(deps: {
  store: Store;
  search: SearchService;
  /** The media display settings (a cached read, if the caller keeps one); by default read from the store. */
  mediaDisplay?: () => MediaDisplaySettings | Promise<MediaDisplaySettings>;
}): AuthorDirectory {
  const settings = deps.mediaDisplay ?? (() => readMediaDisplay(deps.store));
  // What anybody may see, as the plugins' search filters leave it: the same for every visitor.
  const hasPublished = async (authorId: string) => (await countPublished(deps.search, { authorIds: [authorId] }, { user: null, source: 'author' })) > 0;

  async function withPage(user: User | undefined): Promise<Author | undefined> {
    // '..' is a valid username but no usable path segment: every client resolves /authors/.. to /.
    if (!user || user.username === '..' || !(await hasPublished(user.id))) return undefined;
    return { id: user.id, username: user.username, name: user.displayName || user.username, href: authorHref(user.username) };
  }

  const shown = async () => (await settings()).showAuthor;

  return {
    async at(username) {
      return (await shown()) ? withPage(await deps.store.users.getByUsername(username)) : undefined;
    },
    async byId(id) {
      return (await shown()) ? withPage(await deps.store.users.get(id)) : undefined;
    },
    async list() {
      if (!(await shown())) return [];
      const found = await Promise.all((await deps.store.users.list()).map(withPage));
      return found.filter((a): a is Author => !!a);
    },
  };
}
