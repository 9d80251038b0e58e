import { Router, type Request } from 'express';
import type { Store } from '../store/index.ts';
import type { I18n } from '../i18n/index.ts';
import type { RenderPage, RequestSite } from '../views/render.ts';
import { criteria, effectiveDefaultSort, type SearchService, type SortKey } from '../search/index.ts';
import { readSearchSettings, type SearchSettings } from '../settings/search.ts';
import { loadMedia, mediaCard, pagination } from '../search/view-model.ts';
import { askedPage, countPublished, countPublishedBy, pageOrLast } from '../search/listing.ts';
import { isStaff } from '../search/routes.ts';
import type { KeywordService } from './service.ts';
import { queryOf } from '../http/query-of.ts';
import { searchContextOf } from '../search/request-context.ts';
import { listingAddress } from '../site/share-meta.ts';

const PER_PAGE = 24;

/**
 * How keyword pages sort: as /search does when the URL names no sort, from the search config page
 * (its default sort — relevance, with no text to rank, meaning newest — in its default order).
 */
function configuredOrder(settings: SearchSettings): { sort: SortKey; order: 'asc' | 'desc' } {
  return { sort: effectiveDefaultSort(settings.defaultSort, ''), order: settings.defaultOrder };
}

/** /keywords/:group and /keywords/:group/:keyword (public pages) and GET /api/v1/keywords (autocomplete). */
export function createKeywordRoutes(deps: {
  store: Store;
  keywords: KeywordService;
  search: SearchService;
  render: RenderPage;
  i18n: I18n;
  /** The search config page's settings (shared, read-only); by default read from the store on every request. */
  settings?: () => SearchSettings | Promise<SearchSettings>;
}): Router {
  const router = Router();
  const settingsNow = deps.settings ?? (() => readSearchSettings(deps.store));
  // A keyword only drafts carry (an embargoed subject) is not named to visitors and members: no
  // page, no autocomplete entry, as the navigation, the group's page and the sitemap already do.
  // Editors and admins keep its page (the keywords admin links to it), which then lists nothing yet.
  const isPublic = async (req: Request, keywordId: string) =>
    (await countPublished(deps.search, { keywordIds: [keywordId] }, searchContextOf(req, 'keyword'))) > 0;

  // A group's page: its keywords that published media carry, each with their count (the navigation links the group here).
  router.get('/keywords/:group', async (req, res, next) => {
    const group = await deps.keywords.group(String(req.params.group).toLowerCase());
    if (!group) return next();
    if (group.slug !== req.params.group) return res.redirect(301, `/keywords/${group.slug}${queryOf(req.originalUrl)}`);
    const { lang } = res.locals.site as RequestSite;
    const context = searchContextOf(req, 'keyword');
    const inGroup = await deps.keywords.list({ groupId: group.id });
    const counts = await countPublishedBy(deps.search, 'keywords', inGroup.map((k) => k.id), context);
    const keywords = inGroup.filter((k) => counts.has(k.id)).map((k) => ({ title: k.title, href: `/keywords/${k.ref}`, count: counts.get(k.id)! }));
    const collator = new Intl.Collator(lang);
    keywords.sort((a, b) => collator.compare(a.title, b.title));
    await deps.render(req, res, ['keyword-group'], { group: { title: group.title, slug: group.slug }, keywords }, { title: group.title, share: { canonical: `/keywords/${group.slug}`, type: 'website' } });
  });

  router.get('/keywords/:group/:keyword', async (req, res, next) => {
    const asked = `${req.params.group}/${req.params.keyword}`;
    // Slugs are lower case: another case, or a former address (before a rename or a merge),
    // redirects to the keyword's one address, with the query kept.
    const keyword = (await deps.keywords.resolve(asked)) ?? (await deps.keywords.resolve(asked.toLowerCase()));
    if (!keyword || (!isStaff(req) && !(await isPublic(req, keyword.id)))) return next();
    if (keyword.ref !== asked) return res.redirect(301, `/keywords/${keyword.ref}${queryOf(req.originalUrl)}`);
    const c = criteria({ keywordIds: [keyword.id], ...configuredOrder(await settingsNow()), perPage: PER_PAGE, facets: false });
    const context = searchContextOf(req, 'keyword');
    const result = await pageOrLast((page) => deps.search.search({ ...c, page }, context), askedPage(req.query.page));
    const base = `/keywords/${keyword.ref}`;
    await deps.render(
      req,
      res,
      ['keyword'],
      {
        keyword,
        group: keyword.group,
        total: result.total,
        items: (await loadMedia(deps.store, result.ids)).map(mediaCard),
        pagination: pagination(result, (n) => (n === 1 ? base : `${base}?page=${n}`)),
        related: await deps.keywords.related(keyword.id, 10),
      },
      {
        title: keyword.title,
        feeds: [{ title: deps.i18n.t((res.locals.site as RequestSite).lang, 'feeds.link_keyword', { keyword: keyword.title }), href: `/keywords/${keyword.ref}/feed` }],
        share: { canonical: listingAddress(base, result.page), type: 'website', description: keyword.description },
      },
    );
  });

  router.get('/api/v1/keywords', async (req, res) => {
    const { lang } = res.locals.site as RequestSite;
    const fail = (field: string, code: string, vars?: Record<string, unknown>) =>
      res.status(400).json({ error: { code, message: deps.i18n.t(lang, `keywords.errors.${code}`, vars), field } });
    const groupRaw = typeof req.query.group === 'string' ? req.query.group.trim() : '';
    const prefix = typeof req.query.prefix === 'string' ? req.query.prefix.slice(0, 100) : '';
    const limitRaw = typeof req.query.limit === 'string' ? req.query.limit : '20';
    if (!/^\d{1,3}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > 100) return fail('limit', 'bad_limit');
    let groupId: string | undefined;
    if (groupRaw) {
      const group = await deps.keywords.group(groupRaw);
      if (!group) return fail('group', 'unknown_group', { value: groupRaw });
      groupId = group.id;
    }
    const limit = Number(limitRaw);
    // Usage counts include drafts: staff only.
    const staff = isStaff(req);
    let list = await deps.keywords.list({ groupId, prefix, limit: staff ? limit : undefined });
    if (!staff) {
      const shown: typeof list = [];
      for (const k of list) {
        if (shown.length === limit) break;
        if (await isPublic(req, k.id)) shown.push(k);
      }
      list = shown;
    }
    res.json({
      items: list.map((k) => ({ id: k.id, ref: k.ref, group: k.group.slug, groupTitle: k.group.title, slug: k.slug, title: k.title, ...(staff ? { count: deps.keywords.usage(k.id) } : {}) })),
    });
  });

  return router;
}
