import { readSearchSettings, searchFormFields, type SearchSettings } from '../settings/search.ts';
import { Router, type Request } from 'express';
import { cachedRead, type Store } from '../store/index.ts';
import type { I18n } from '../i18n/index.ts';
import type { RenderPage, RequestSite } from '../views/render.ts';
import { mediaStatuses, mediaTypes } from '../store/index.ts';
import { licences } from '../settings/licences.ts';
import { PER_PAGE_MAX, PER_PAGE_MIN, sortKeys } from './criteria.ts';
import { parseSearchParams, searchHref, views, type ResolvedKeyword, type SearchQuery } from './params.ts';
import { storeResolvers } from './resolvers.ts';
import type { SearchService } from './service.ts';
import { chips, facetView, loadMedia, cachedLookups, mediaCard, pagination } from './view-model.ts';
import { searchContextOf } from './request-context.ts';

export interface SearchRoutesDeps {
  store: Store;
  search: SearchService;
  render: RenderPage;
  i18n: I18n;
  /** `group/slug` → keyword (the keyword service's resolve). */
  resolveKeyword: (ref: string) => Promise<ResolvedKeyword | undefined>;
  /** The search config page's settings (shared, read-only); by default read from the store on every request. */
  settings?: () => SearchSettings | Promise<SearchSettings>;
  /** Aborted when the app closes: its cached reads stop listening to the store. */
  signal: AbortSignal;
}

/** The form fields under “More criteria”. */
const moreFields = ['from', 'to', 'licence', 'author', 'status', 'sort', 'order', 'per_page', 'view'];

export const isStaff = (req: Request) => req.user?.role === 'admin' || req.user?.role === 'editor';

/** GET /search: the advanced search page, every criterion in the query string. */
export function createSearchRoutes(deps: SearchRoutesDeps): Router {
  const router = Router();
  const lookupsNow = cachedLookups(deps.store, deps.signal);
  const settingsNow = deps.settings ?? (() => readSearchSettings(deps.store));
  const sectorsNow = cachedRead(deps.store, ['sectors'], () => deps.store.sectors.list(), { signal: deps.signal });
  const resolvers = storeResolvers(deps.store, deps.resolveKeyword, sectorsNow);
  // The form's fixed choices with their labels, translated once per language (core's strings do not change while running).
  const labelsByLang = new Map<string, ReturnType<typeof buildLabels>>();
  const buildLabels = (lang: RequestSite['lang']) => {
    const t = (key: string) => deps.i18n.t(lang, key);
    const labelled = <T extends string>(values: readonly T[], label: (value: T) => string) => values.map((value) => ({ value, label: label(value) }));
    return {
      types: labelled(mediaTypes, (v) => t(`search.type_${v}`)),
      sorts: labelled(sortKeys, (v) => t(`search.sort_${v}`)),
      orders: labelled(['', 'asc', 'desc'] as const, (v) => (v ? t(`search.order_${v}`) : '—')),
      views: labelled(views, (v) => t(`search.view_${v}`)),
      statuses: labelled(mediaStatuses, (v) => t(`search.status_${v}`)),
      licences: labelled(licences, (v) => t(`licences.${v}`)),
    };
  };
  const optionLabels = (lang: RequestSite['lang']) => {
    let found = labelsByLang.get(lang);
    if (!found) labelsByLang.set(lang, (found = buildLabels(lang)));
    return found;
  };

  router.get('/search', async (req, res) => {
    const { lang, mediaDisplay } = res.locals.site as RequestSite;
    const t = (key: string, vars?: Record<string, unknown>) => deps.i18n.t(lang, key, vars);
    const labels = optionLabels(lang);
    const staff = isStaff(req);
    // What the URL leaves out comes from the search config page: sort, order, results per page, view.
    const settings = await settingsNow();
    const defaults = { sort: settings.defaultSort, order: settings.defaultOrder, per_page: settings.perPage, view: settings.defaultView };
    const parsed = await parseSearchParams(req.query as Record<string, unknown>, { mode: 'page', staff, resolvers, defaults, authorsShown: mediaDisplay.showAuthor });
    const { query } = parsed;
    const errors: Record<string, string[]> = {};
    // The API's wording names parameters ("sort must be one of …"); the page says what it did instead.
    const message = (code: string, vars?: Record<string, unknown>) => (deps.i18n.has(lang, `search.page_errors.${code}`) ? t(`search.page_errors.${code}`, vars) : t(`search.errors.${code}`, vars));
    for (const e of parsed.errors) (errors[e.field] ??= []).push(message(e.code, e.vars));

    let result;
    let notice: string | undefined;
    if (parsed.matchesNothing) result = { ids: [], total: 0, page: 1, perPage: query.per_page, pages: 1 };
    else if (parsed.hasCriteria) {
      const context = searchContextOf(req, 'page');
      result = await deps.search.search(parsed.criteria, context);
      if (result.total > 0 && result.page > result.pages) {
        notice = t('search.errors.page_past_end', { page: result.page, pages: result.pages });
        query.page = result.pages;
        result = await deps.search.search({ ...parsed.criteria, page: result.pages }, context);
      }
    }
    const lookup = await lookupsNow();
    const sectors = (await sectorsNow()).filter((s) => s.visible || staff).sort((a, b) => a.order - b.order);
    const items = result ? (await loadMedia(deps.store, result.ids)).map(mediaCard) : [];
    const page = {
      query,
      errors,
      errorList: Object.values(errors).flat(),
      notice,
      hasCriteria: parsed.hasCriteria,
      result: result && { total: result.total, items, empty: result.total === 0 },
      chips: chips(parsed, deps.i18n, lang),
      clearHref: '/search',
      facets: result?.facets && result.total > 0 ? facetView(result.facets, lookup, t, { query, staff }) : undefined,
      pagination: result ? pagination(result, (n) => searchHref('/search', query, { page: n })) : undefined,
      form: {
        kw: query.kw.join(', '),
        // Labels translated here rather than by {{t (concat …)}} in the template: two helper calls fewer per option.
        types: labels.types.map(({ value, label }) => ({ value, label, checked: query.type.includes(value) })),
        sectors: sectors.map((s) => ({ slug: s.slug, title: s.title, selected: query.sector.includes(s.slug) })),
        sorts: labels.sorts.map(({ value, label }) => ({ value, label, selected: value === query.sort })),
        orders: labels.orders.map(({ value, label }) => ({ value, label, selected: value === query.order })),
        views: labels.views.map(({ value, label }) => ({ value, label, selected: value === query.view })),
        statuses: staff ? labels.statuses.map(({ value, label }) => ({ value, label, checked: query.status.includes(value) })) : undefined,
        licences: labels.licences.map(({ value, label }) => ({ value, label, selected: query.licence.includes(value) })),
        author: query.author.join(', '),
        // The form offers only the fields chosen on the config page; a hidden field's criterion
        // from the URL still applies (and shows as a chip), and rides along as hidden inputs.
        show: Object.fromEntries(searchFormFields.map((f) => [f, settings.formFields.includes(f) && (f !== 'author' || staff || mediaDisplay.showAuthor)])),
        carried: carriedCriteria(query, settings.formFields),
        // The criteria below the first four open when one of them is set or has a problem.
        moreOpen: Boolean(query.from || query.to || query.licence.length || query.author.length || query.status.length) || moreFields.some((f) => errors[f]),
        perPageMin: PER_PAGE_MIN,
        perPageMax: PER_PAGE_MAX,
      },
      viewList: query.view === 'list',
    };
    // Bookmarkable, but the results change with every edit: caches ask again each time (the ETag
    // makes that cheap). A visitor's page is the same for every visitor, so the page cache keeps
    // it, among the search pages; a signed-in user's may list drafts, for them only.
    res.setHeader('Cache-Control', req.user ? 'private, no-cache' : 'no-cache');
    res.locals.pageCacheClass = 'search';
    // The words searched name the page (a tab, the history, a bookmark), cut short as a tab shows them.
    const words = Array.from(query.q.trim());
    const title = words.length ? t('search.title_q', { q: words.length > 60 ? `${words.slice(0, 60).join('').trimEnd()}…` : words.join('') }) : t('search.title');
    // Results are not pages to index (one per query anyone can invent), but the media they lead to are.
    await deps.render(req, res, ['search'], page, { title, status: 200, robots: 'noindex, follow' });
  });

  return router;
}

/** Criteria from the URL whose form field is hidden, as name/value pairs, so submitting the form keeps them. */
function carriedCriteria(query: SearchQuery, shown: SearchSettings['formFields']): Array<{ name: string; value: string }> {
  const hidden = searchFormFields.filter((f) => !shown.includes(f));
  if (!hidden.length) return [];
  const params: Record<(typeof searchFormFields)[number], Array<[string, string[]]>> = {
    q: [['q', query.q ? [query.q] : []]],
    keywords: [['kw', query.kw], ['kw_mode', query.kw_mode === 'any' ? ['any'] : []]],
    type: [['type', query.type]],
    sector: [['sector', query.sector]],
    dates: [['from', query.from ? [query.from] : []], ['to', query.to ? [query.to] : []]],
    licence: [['licence', query.licence]],
    author: [['author', query.author]],
  };
  return hidden.flatMap((f) => params[f].flatMap(([name, values]) => values.map((value) => ({ name, value }))));
}
