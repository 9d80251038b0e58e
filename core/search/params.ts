import { isLicence } from '../settings/licences.ts';
import { isEmptyText, parseTextQuery } from './text-query.ts';
import { memoize } from '../util/memo.ts';
import { mediaStatuses, mediaTypes, type MediaStatus, type MediaType } from '../store/index.ts';
import { criteria, PER_PAGE_MAX, PER_PAGE_MIN, sortKeys, type SearchCriteria, type SortKey } from './criteria.ts';
import { dayStart } from './match.ts';

export const Q_MAX = 500;
export const DEFAULT_PER_PAGE = 24;
export const views = ['thumbnails', 'list'] as const;
export type View = (typeof views)[number];

/** The search as written in the URL (`/search?…`, `/api/v1/media?…`), normalised. */
export interface SearchQuery {
  q: string;
  kw: string[];
  kw_mode: 'all' | 'any';
  type: string[];
  sector: string[];
  from: string;
  to: string;
  licence: string[];
  author: string[];
  status: string[];
  sort: SortKey;
  order: 'asc' | 'desc' | '';
  page: number;
  per_page: number;
  view: View;
  /**
   * What this query falls back to when the URL leaves sort/order/per_page/view out: links built
   * from it (searchHref) leave out exactly those values, so they mean the same on the next request.
   */
  defaults: SearchDefaults;
}

/** Fallbacks for parameters the URL leaves out (the /search page takes them from the search config page). */
export interface SearchDefaults {
  /** `relevance` without text falls back to `date` (there is nothing to rank). */
  sort: SortKey;
  /** Applies only when the URL gives neither sort nor order; a sort alone gets its natural order. */
  order: 'asc' | 'desc' | '';
  per_page: number;
  view: View;
}

/** The API's own explicit defaults: relevance (date without text), natural order, 24 per page, thumbnails. */
export const apiSearchDefaults: SearchDefaults = { sort: 'relevance', order: '', per_page: DEFAULT_PER_PAGE, view: 'thumbnails' };

export interface ParamError {
  /** The query-string parameter at fault. */
  field: string;
  /** i18n key under `search.errors`. */
  code: string;
  vars?: Record<string, unknown>;
}

export interface ResolvedKeyword { id: string; ref: string; title: string; groupTitle: string }
export interface ResolvedSector { id: string; slug: string; title: string }
export interface ResolvedAuthor { id: string; username: string; displayName: string }

export interface Resolvers {
  keyword(ref: string): Promise<ResolvedKeyword | undefined>;
  /** A sector by slug; a hidden sector is found only for staff (`staff`), as its page is. */
  sector(slug: string, staff: boolean): Promise<ResolvedSector | undefined>;
  author(username: string): Promise<ResolvedAuthor | undefined>;
}

export interface ParsedSearch {
  query: SearchQuery;
  criteria: SearchCriteria;
  errors: ParamError[];
  /** True when the visitor gave at least one criterion (text, keyword, type…). */
  hasCriteria: boolean;
  /**
   * True when a criterion names nothing that exists in a way no media can match (an unknown keyword
   * among keywords that must all apply; only unknown sectors, types, authors or licences). The page then shows
   * no result rather than dropping the criterion, which would list more than was asked for.
   */
  matchesNothing: boolean;
  keywords: ResolvedKeyword[];
  sectors: ResolvedSector[];
  authors: ResolvedAuthor[];
}

function list(value: unknown): string[] {
  const raw = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const out: string[] = [];
  for (const v of raw) {
    if (typeof v !== 'string') continue;
    // `kw=a,b` and `kw=a&kw=b` both work (the form's text field sends the first).
    for (const part of v.split(',')) {
      const t = part.trim();
      if (t && !out.includes(t)) out.push(t);
    }
  }
  return out.slice(0, 50);
}

function one(value: unknown): string {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' ? v.trim() : '';
}

/**
 * Reads and checks search parameters. `mode: 'page'` repairs what it can (clamps per_page, drops a
 * bad criterion) and reports each problem for the form; `mode: 'api'` reports the same problems,
 * and the caller answers 400 naming the first. Visitors who are not staff always get published media only.
 */
export async function parseSearchParams(raw: Record<string, unknown>, options: { mode: 'page' | 'api'; staff: boolean; resolvers: Resolvers; defaults?: Partial<SearchDefaults>; /** The media display settings' showAuthor (default true). */ authorsShown?: boolean }): Promise<ParsedSearch> {
  const defaults: SearchDefaults = { ...apiSearchDefaults, ...options.defaults };
  const errors: ParamError[] = [];
  const err = (field: string, code: string, vars?: Record<string, unknown>) => errors.push({ field, code, vars });

  let q = one(raw.q);
  if (q.length > Q_MAX) {
    err('q', 'q_too_long', { max: Q_MAX });
    // Whole characters only: a cut inside an emoji's surrogate pair would leave half of it (U+FFFD on the page and in links).
    q = q.slice(0, Q_MAX).replace(/[\uD800-\uDBFF]$/, '');
  }
  // Words with no letter or digit in them (an emoji, punctuation) search for nothing: saying so beats listing every media under their chip.
  const noWords = q !== '' && isEmptyText(parseTextQuery(q));
  if (noWords) err('q', 'q_no_words', { value: q });

  const keywords: ResolvedKeyword[] = [];
  const kw: string[] = [];
  for (const ref of list(raw.kw)) {
    const k = await options.resolvers.keyword(ref);
    if (k) {
      keywords.push(k);
      kw.push(k.ref);
    } else err('kw', 'unknown_keyword', { value: ref });
  }
  const kwModeRaw = one(raw.kw_mode);
  if (kwModeRaw && kwModeRaw !== 'all' && kwModeRaw !== 'any') err('kw_mode', 'bad_kw_mode');
  const kw_mode = kwModeRaw === 'any' ? 'any' : 'all';

  const type: MediaType[] = [];
  for (const t of list(raw.type)) {
    if ((mediaTypes as readonly string[]).includes(t)) type.push(t as MediaType);
    else err('type', 'unknown_type', { value: t });
  }

  const sectors: ResolvedSector[] = [];
  for (const slug of list(raw.sector)) {
    const s = await options.resolvers.sector(slug, options.staff);
    if (s) sectors.push(s);
    else err('sector', 'unknown_sector', { value: slug });
  }

  let from = one(raw.from);
  let to = one(raw.to);
  if (from && Number.isNaN(dayStart(from))) {
    err('from', 'invalid_date');
    from = '';
  }
  if (to && Number.isNaN(dayStart(to))) {
    err('to', 'invalid_date');
    to = '';
  }
  if (from && to && from > to) {
    err('from', 'date_range');
    from = '';
    to = '';
  }

  const licence: string[] = [];
  for (const l of list(raw.licence)) {
    if (isLicence(l)) licence.push(l);
    else err('licence', 'unknown_licence', { value: l });
  }

  const authors: ResolvedAuthor[] = [];
  for (const username of list(raw.author)) {
    // Where the site does not say who uploaded what (media display settings), visitors cannot ask either.
    const a = options.authorsShown === false && !options.staff ? undefined : await options.resolvers.author(username);
    if (a) authors.push(a);
    else err('author', 'unknown_author', { value: username });
  }

  let status: MediaStatus[] = ['published'];
  const statusRaw = list(raw.status);
  if (options.staff && statusRaw.length) {
    const ok = statusRaw.filter((s): s is MediaStatus => (mediaStatuses as readonly string[]).includes(s));
    if (ok.length !== statusRaw.length) err('status', 'bad_status');
    if (ok.length) status = ok;
  }

  const sortRaw = one(raw.sort);
  if (sortRaw && !(sortKeys as readonly string[]).includes(sortRaw)) err('sort', 'bad_sort');
  const sortGiven = (sortKeys as readonly string[]).includes(sortRaw);
  const sort: SortKey = sortGiven ? (sortRaw as SortKey) : effectiveDefaultSort(defaults.sort, q);
  const orderRaw = one(raw.order);
  if (orderRaw && orderRaw !== 'asc' && orderRaw !== 'desc') err('order', 'bad_order');
  const order = orderRaw === 'asc' || orderRaw === 'desc' ? orderRaw : sortGiven ? '' : defaults.order;

  const viewRaw = one(raw.view);
  if (viewRaw && !(views as readonly string[]).includes(viewRaw)) err('view', 'bad_view');
  const view: View = (views as readonly string[]).includes(viewRaw) ? (viewRaw as View) : defaults.view;

  let page = 1;
  const pageRaw = one(raw.page);
  if (pageRaw) {
    if (/^\d{1,9}$/.test(pageRaw) && Number(pageRaw) >= 1) page = Number(pageRaw);
    else err('page', 'page_invalid');
  }

  let per_page = defaults.per_page;
  const perRaw = one(raw.per_page);
  if (perRaw) {
    const n = /^\d{1,9}$/.test(perRaw) ? Number(perRaw) : Number.NaN;
    if (Number.isNaN(n)) err('per_page', 'per_page_invalid', { min: PER_PAGE_MIN, max: PER_PAGE_MAX });
    else if (n < PER_PAGE_MIN || n > PER_PAGE_MAX) {
      per_page = Math.min(PER_PAGE_MAX, Math.max(PER_PAGE_MIN, n));
      err('per_page', options.mode === 'api' ? 'per_page_invalid' : 'per_page_range', { min: PER_PAGE_MIN, max: PER_PAGE_MAX, value: per_page });
    } else per_page = n;
  }

  const query: SearchQuery = { q, kw, kw_mode, type, sector: sectors.map((s) => s.slug), from, to, licence, author: authors.map((a) => a.username), status: options.staff && statusRaw.length ? status : [], sort, order, page, per_page, view, defaults };
  const c = criteria({
    q,
    keywordIds: keywords.map((k) => k.id),
    kwMode: kw_mode,
    types: type,
    sectorIds: sectors.map((s) => s.id),
    from: from || undefined,
    to: to || undefined,
    licences: licence,
    authorIds: authors.map((a) => a.id),
    statuses: status,
    sort,
    order: order || undefined,
    page,
    perPage: per_page,
  });
  // A criterion that was given but not understood still counts: the visitor asked for something.
  const given = (name: string) => list(raw[name]).length > 0;
  const hasCriteria = Boolean(q) || ['kw', 'type', 'sector', 'from', 'to', 'licence', 'author', 'status'].some(given);
  const unknownKeyword = keywords.length < list(raw.kw).length;
  const noneOf = (name: string, found: number) => given(name) && found === 0;
  const matchesNothing = noWords || (unknownKeyword && (kw_mode === 'all' || keywords.length === 0)) || noneOf('type', type.length) || noneOf('sector', sectors.length) || noneOf('author', authors.length) || noneOf('licence', licence.length);
  return { query, criteria: c, errors, hasCriteria, matchesNothing, keywords, sectors, authors };
}

/**
 * A query's parameter names in order, and the encoded `key=value` part of each one that does not
 * depend on the others (a page links to the same query dozens of times).
 */
interface EncodedQuery {
  keys: string[];
  /** undefined for sort, order and page: whether they show depends on the link (see searchHref). */
  parts: Array<string | undefined>;
}
const encodedQueries = new WeakMap<SearchQuery, EncodedQuery>();

function encodedQuery(query: SearchQuery): EncodedQuery {
  let found = encodedQueries.get(query);
  if (!found) {
    const q = query as unknown as Record<string, unknown>;
    const keys = Object.keys(q).filter((key) => key !== 'defaults');
    const parts = keys.map((key) => (key === 'sort' || key === 'order' || key === 'page' ? undefined : encodePart(key, q[key], query.defaults, false)));
    found = { keys, parts };
    encodedQueries.set(query, found);
  }
  return found;
}

/** `/search?…` for this query with some parameters changed (`undefined` or `[]` removes one). */
export function searchHref(base: string, query: SearchQuery, change: Partial<Record<keyof SearchQuery, unknown>> = {}): string {
  // Reads "query with change applied" key by key instead of building the merged object: a search
  // page makes a few dozen of these links, and the copies were most of their cost.
  const q = query as unknown as Record<string, unknown>;
  const c = change as Record<string, unknown>;
  const d = query.defaults;
  // Sort and order are left out together when the URL without them reads the same (the configured
  // sort and order); a sort given alone gets its natural order, so '' is the order to leave out then.
  const omitSort = valueOf(q, c, 'sort') === effectiveDefaultSort(d.sort, String(valueOf(q, c, 'q') ?? '')) && valueOf(q, c, 'order') === d.order;
  const { keys, parts } = encodedQuery(query);
  let qs = '';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const part = parts[i];
    qs = joinPart(qs, part === undefined || key in c ? encodePart(key, valueOf(q, c, key), d, omitSort) : part);
  }
  // Keys the query does not have come after its own, as in { ...query, ...change }.
  for (const key in c) if (!(key in q) && key !== 'defaults') qs = joinPart(qs, encodePart(key, c[key], d, omitSort));
  return qs ? `${base}?${qs}` : base;
}

function joinPart(qs: string, part: string): string {
  return part ? (qs ? `${qs}&${part}` : part) : qs;
}

function valueOf(query: Record<string, unknown>, change: Record<string, unknown>, key: string): unknown {
  return key in change ? change[key] : query[key];
}

/** One `key=value` part of a search link ('' when the value is empty or the default). */
function encodePart(key: string, value: unknown, d: SearchDefaults, omitSort: boolean): string {
  if (value === undefined || value === '' || value === null) return '';
  if (Array.isArray(value)) {
    let out = '';
    for (const v of value) out = `${out ? `${out}&` : ''}${key}=${formEncode(String(v))}`;
    return out;
  }
  if (key === 'sort' && omitSort) return '';
  const fallback = key === 'kw_mode' ? 'all' : key === 'page' ? 1 : key === 'per_page' ? d.per_page : key === 'view' ? d.view : key === 'order' ? (omitSort ? d.order : '') : undefined;
  if (fallback !== undefined && fallback === value) return '';
  return `${key}=${formEncode(String(value))}`;
}

/**
 * A value encoded as URLSearchParams encodes it (application/x-www-form-urlencoded: only letters,
 * digits and *-._ stay, a space becomes +), without building a URLSearchParams: search pages
 * make a few dozen of these links each.
 */
// Links repeat the same few values (the query's keywords, types…) many times per page.
export const formEncode = memoize(encodeValue, 5000);

function encodeValue(value: string): string {
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    // A lone surrogate: URLSearchParams writes it as U+FFFD.
    return new URLSearchParams([['', value]]).toString().slice(1);
  }
  return encoded.replace(/%20|[!'()~]/g, (c) => (c === '%20' ? '+' : `%${c.charCodeAt(0).toString(16).toUpperCase()}`));
}

/** The sort a search without an explicit one gets: relevance needs text to rank, so without it, by date. */
export function effectiveDefaultSort(sort: SortKey, q: string): SortKey {
  return sort === 'relevance' && !q ? 'date' : sort;
}
