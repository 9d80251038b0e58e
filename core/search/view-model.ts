import { cachedRead, type Keyword, type KeywordGroup, type Media, type Sector, type Store } from '../store/index.ts';
import type { I18n, Language } from '../i18n/index.ts';
import type { Facets, SearchResult } from './criteria.ts';
import { searchHref, type ParsedSearch, type SearchQuery } from './params.ts';

/** What a media card needs (themes/default/partials/media-card.hbs). */
export interface MediaCard {
  id: string;
  href: string;
  title: string;
  type: string;
  /** Publication date (creation date for drafts), ISO. */
  when: string;
  thumb: string | null;
  /** The thumbnail's size in pixels (width and height attributes: the page does not jump as it loads); null without one. */
  thumbWidth: number | null;
  thumbHeight: number | null;
  status: string;
  views: number;
}

export function mediaCard(m: Media): MediaCard {
  return {
    id: m.id,
    href: `/media/${m.id}`,
    title: m.title,
    type: m.type,
    when: m.publishedAt ?? m.createdAt,
    thumb: m.variants?.thumb ? `/files/${m.id}/thumb` : null,
    thumbWidth: m.variants?.thumb?.width ?? null,
    thumbHeight: m.variants?.thumb?.height ?? null,
    status: m.status,
    views: m.views,
  };
}

/** The media of a result page, in order (shared, read-only records). */
export function loadMedia(store: Store, ids: string[]): Promise<Media[]> {
  return store.media.getMany(ids);
}

interface Lookup {
  keyword(id: string): { ref: string; title: string; group: string } | undefined;
  sector(id: string): Sector | undefined;
}

/** `lookups(store)` kept until keywords, groups or sectors change (or `signal` ends it): one per router, not per request. */
export function cachedLookups(store: Store, signal: AbortSignal): () => Lookup | Promise<Lookup> {
  return cachedRead(store, ['keywords', 'keywordGroups', 'sectors'], () => lookups(store), { signal });
}

export async function lookups(store: Store): Promise<Lookup> {
  const [keywords, groups, sectors] = await Promise.all([store.keywords.list(), store.keywordGroups.list(), store.sectors.list()]);
  const groupById = new Map<string, KeywordGroup>(groups.map((g) => [g.id, g]));
  const kwById = new Map<string, Keyword>(keywords.map((k) => [k.id, k]));
  const sectorById = new Map(sectors.map((s) => [s.id, s]));
  // Kept until keywords or groups change (cachedLookups): facets ask for the same few dozen on every search.
  const keywordInfo = new Map<string, { ref: string; title: string; group: string } | undefined>();
  return {
    keyword(id) {
      if (keywordInfo.has(id)) return keywordInfo.get(id);
      const k = kwById.get(id);
      const g = k && groupById.get(k.groupId);
      const info = k && g ? Object.freeze({ ref: `${g.slug}/${k.slug}`, title: k.title, group: g.title }) : undefined;
      keywordInfo.set(id, info);
      return info;
    },
    sector: (id) => {
      const s = sectorById.get(id);
      return s && { ...s };
    },
  };
}

/**
 * Facets with display labels and, for the page (`query`), the link that adds each as a filter.
 * A hidden sector is not named to visitors (`staff` false): its page is a 404 to them.
 */
export function facetView(facets: Facets, lookup: Lookup, t: (key: string) => string, options: { query?: SearchQuery; staff: boolean }) {
  const { query, staff } = options;
  const link = (change: Partial<Record<keyof SearchQuery, unknown>>) => (query ? searchHref('/search', query, { ...change, page: 1 }) : undefined);
  return {
    keywords: facets.keywords.flatMap((f) => {
      const k = lookup.keyword(f.value);
      if (!k || query?.kw.includes(k.ref)) return [];
      return [{ ref: k.ref, title: k.title, group: k.group, count: f.count, href: link({ kw: [...(query?.kw ?? []), k.ref] }) }];
    }),
    types: facets.types.filter((f) => !query?.type.includes(f.value)).map((f) => ({ value: f.value, label: t(`search.type_${f.value}`), count: f.count, href: link({ type: [...(query?.type ?? []), f.value] }) })),
    years: facets.years.map((f) => ({ value: f.value, count: f.count, href: link({ from: `${f.value}-01-01`, to: `${f.value}-12-31` }) })),
    sectors: facets.sectors.flatMap((f) => {
      const s = lookup.sector(f.value);
      if (!s || !(s.visible || staff) || query?.sector.includes(s.slug)) return [];
      return [{ slug: s.slug, title: s.title, count: f.count, href: link({ sector: [...(query?.sector ?? []), s.slug] }) }];
    }),
  };
}

/** The active filters as chips, each with the link that removes it. */
export function chips(parsed: ParsedSearch, i18n: I18n, lang: Language) {
  const { query } = parsed;
  const t = (key: string, vars?: Record<string, unknown>) => i18n.t(lang, key, vars);
  const out: Array<{ label: string; href: string }> = [];
  const add = (label: string, change: Partial<Record<keyof SearchQuery, unknown>>) => out.push({ label, href: searchHref('/search', query, { ...change, page: 1 }) });
  if (query.q) add(t('search.chip_q', { value: query.q }), { q: '' });
  for (const k of parsed.keywords) add(t('search.chip_keyword', { group: k.groupTitle, keyword: k.title }), { kw: query.kw.filter((x) => x !== k.ref) });
  for (const type of query.type) add(t('search.chip_type', { value: t(`search.type_${type}`) }), { type: query.type.filter((x) => x !== type) });
  for (const s of parsed.sectors) add(t('search.chip_sector', { value: s.title }), { sector: query.sector.filter((x) => x !== s.slug) });
  if (query.from) add(t('search.chip_from', { value: query.from }), { from: '' });
  if (query.to) add(t('search.chip_to', { value: query.to }), { to: '' });
  for (const l of query.licence) add(t('search.chip_licence', { value: t(`licences.${l}`) }), { licence: query.licence.filter((x) => x !== l) });
  for (const a of parsed.authors) add(t('search.chip_author', { value: a.displayName || a.username }), { author: query.author.filter((x) => x !== a.username) });
  for (const s of query.status) add(t('search.chip_status', { value: t(`search.status_${s}`) }), { status: query.status.filter((x) => x !== s) });
  return out;
}

/** Previous/next and a window of page numbers around the current one. */
export function pagination(result: Pick<SearchResult, 'page' | 'pages'>, hrefFor: (page: number) => string) {
  if (result.pages <= 1) return undefined;
  const pages: Array<{ n: number; href: string; current: boolean }> = [];
  const first = Math.max(1, result.page - 3);
  const last = Math.min(result.pages, result.page + 3);
  for (let n = first; n <= last; n++) pages.push({ n, href: hrefFor(n), current: n === result.page });
  return {
    pages,
    page: result.page,
    total: result.pages,
    previous: result.page > 1 ? hrefFor(result.page - 1) : undefined,
    next: result.page < result.pages ? hrefFor(result.page + 1) : undefined,
  };
}
