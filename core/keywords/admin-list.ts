import { askedPage, fold } from '../search/index.ts';

/** Keywords a group's section of /admin/keywords shows at once. */
export const KEYWORDS_PER_PAGE = 50;
/** The longest filter kept: a keyword's title has at most 100 characters, so longer text matches nothing. */
export const FILTER_MAX = 100;

/**
 * What the keywords page shows, from its URL (`?group=<slug>&page=<n>&q=<text>`): the filter, and
 * the one group shown past its first page. Row forms post it back in their action's query, so the
 * page after a change (or a refusal) is the one the admin was working on.
 */
export interface ListView {
  /** The filter as typed, trimmed ('' for none). */
  q: string;
  group?: string;
  /** The page asked for `group` (clamped to the group's pages when shown). */
  page: number;
}

const firstString = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');

export function readListView(query: Record<string, unknown>): ListView {
  const q = firstString(query.q).trim().slice(0, FILTER_MAX);
  const group = firstString(query.group);
  // A group slug is at most 80 characters (slugify); anything longer names no group.
  return group && group.length <= 80 ? { q, group, page: askedPage(query.page) } : { q, page: 1 };
}

/** `?group=…&page=…&q=…` for `view` (with `done` first when given), or '' when there is nothing to say. */
export function listQuery(view: ListView, done?: string): string {
  const params = new URLSearchParams();
  if (done) params.set('done', done);
  if (view.group) {
    params.set('group', view.group);
    params.set('page', String(view.page));
  }
  if (view.q) params.set('q', view.q);
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The id of a group's section on the page (not `group-<slug>`: `group-title` is already a field's). */
export const sectionId = (groupSlug: string) => `keywords-${groupSlug}`;

/** The keywords page showing `view`, scrolled to its group's section when it names one. */
export function listHref(view: ListView, done?: string): string {
  return `/admin/keywords${listQuery(view, done)}${view.group ? `#${encodeURIComponent(sectionId(view.group))}` : ''}`;
}

/** Whether a keyword's title or slug contains the filter, accents and case folded as search does; everything matches no filter. */
export function keywordFilter(q: string): (k: { title: string; slug: string }) => boolean {
  const wanted = fold(q).trim();
  if (!wanted) return () => true;
  return (k) => fold(k.title).includes(wanted) || fold(k.slug).includes(wanted);
}

/** Page `asked` of `list` (the last page past the end), with how many pages there are (at least 1). */
export function pageOf<T>(list: readonly T[], asked: number, size = KEYWORDS_PER_PAGE): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(list.length / size));
  const page = Math.min(Math.max(1, asked), pages);
  return { items: list.slice((page - 1) * size, page * size), page, pages };
}

/** The page of `list` holding its item at `index`. */
export const pageHolding = (index: number, size = KEYWORDS_PER_PAGE) => Math.floor(index / size) + 1;
