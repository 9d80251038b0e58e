import { Router, type Request, type Response } from 'express';
import type { I18n } from '../i18n/index.ts';
import type { RenderPage, RequestSite } from '../views/render.ts';
import { requireRole } from '../auth/require-role.ts';
import { KeywordInputError, TAGS_GROUP, type KeywordService, type KeywordWithGroup } from './service.ts';
import { keywordFilter, listHref, listQuery, pageHolding, pageOf, readListView, sectionId, type ListView } from './admin-list.ts';
import { pagination } from '../search/index.ts';
import { findKeyword } from './slug.ts';
import { doneNotice } from '../admin/done-notice.ts';
import { queryOf } from '../http/query-of.ts';
import { highlightsShowGroup, highlightsShowKeyword, isDead, type HighlightsTarget } from '../site/highlights.ts';

type Form = Record<string, string>;

/**
 * A refused row form (a keyword's rename or merge, a group's options): shown beside the field it
 * concerns, with what was typed, and linked from a summary at the top. Without a field (a group
 * that may not be deleted) the message itself stands at the top.
 */
interface RowProblem {
  kind: 'keyword' | 'group';
  id: string;
  field?: string;
  /** The row's form as sent. */
  typed: Form;
  message: string;
}

/** The row fields a problem may concern, by the service's field name: the input's id in the row. */
const rowFields: Record<RowProblem['kind'], Record<string, string>> = {
  keyword: { title: 'rename', target: 'merge' },
  group: { title: 'group-title', multiple: 'group-multiple' },
};
const rowField = (kind: RowProblem['kind'], field: string) => (Object.hasOwn(rowFields[kind], field) ? field : undefined);

/**
 * /admin/keywords: groups and keywords. Admins do everything; editors may only add keywords to
 * the tags group (the same rule as inline tag creation on the media form).
 */
export function createKeywordsAdmin(deps: { keywords: KeywordService; render: RenderPage; i18n: I18n; highlights: () => Promise<HighlightsTarget> }): Router {
  const router = Router();
  const admin = requireRole('admin');
  router.use('/admin/keywords', requireRole('admin', 'editor'));

  const lang = (res: Response) => (res.locals.site as RequestSite).lang;
  const message = (res: Response, err: KeywordInputError) => deps.i18n.t(lang(res), `keywords.errors.${err.code}`, err.vars);
  /** The list the admin was looking at, which the page's forms carry in their action's query. */
  const viewOf = (req: Request) => readListView(req.query as Record<string, unknown>);

  async function show(req: Request, res: Response, extra: { errors?: Record<string, string>; form?: Form; row?: RowProblem } = {}, status = 200) {
    const isAdmin = req.user?.role === 'admin';
    const view = viewOf(req);
    const groups = await deps.keywords.groups();
    const all = await deps.keywords.list();
    const inNavigation = new Set(await deps.keywords.navigationGroups());
    const done = doneNotice(deps.i18n, lang(res), 'admin.keywords', req.query.done);
    // After a change in a group's section, the notice stands in that section, where the redirect lands.
    const doneIn = done && view.group && groups.some((g) => g.slug === view.group) ? view.group : undefined;
    const { row } = extra;
    /** The row's problem, when it is this one's and concerns a field. */
    const rowProblem = (kind: RowProblem['kind'], id: string) => (row && row.kind === kind && row.id === id && row.field ? row : undefined);
    const problemOn = (kind: RowProblem['kind'], id: string, field: string) => {
      const p = rowProblem(kind, id);
      return p?.field === field ? p.message : undefined;
    };
    const rowTitle = row && (row.kind === 'keyword' ? all.find((k) => k.id === row.id)?.title : groups.find((g) => g.id === row.id)?.title);
    // A refused keyword row is shown whatever the filter and the page asked: its group shows the page holding it.
    const refused = row?.kind === 'keyword' && row.field ? all.find((k) => k.id === row.id) : undefined;
    const matches = keywordFilter(view.q);
    const listed = new Map<string, KeywordWithGroup[]>();
    let matched = 0;
    for (const k of all) {
      const hit = matches(k);
      if (hit) matched++;
      if (!hit && k !== refused) continue;
      const list = listed.get(k.groupId);
      if (list) list.push(k);
      else listed.set(k.groupId, [k]);
    }
    const filterQuery = listQuery({ q: view.q, page: 1 });
    await deps.render(
      req,
      res,
      ['admin-keywords'],
      {
        isAdminUser: isAdmin,
        done: doneIn ? undefined : done,
        errors: extra.errors ?? {},
        form: extra.form ?? {},
        filter: { q: view.q, count: matched },
        // The forms at the top keep the filter through their redirect.
        filterQuery,
        // The summary at the top: a link to the field, in its row; or the message, when it concerns no field.
        rowSummary: row?.field && rowTitle !== undefined ? { text: deps.i18n.t(lang(res), `admin.keywords.problem.${row.kind}`, { title: rowTitle }), anchor: `${rowFields[row.kind][row.field]}-${row.id}` } : undefined,
        rowError: row && !(row.field && rowTitle !== undefined) ? { message: row.message } : undefined,
        creatableGroups: groups.filter((g) => isAdmin || g.slug === TAGS_GROUP).map((g) => ({ ...g, selected: g.id === (extra.form?.group ?? '') })),
        groups: groups.map((g) => {
          const typed = rowProblem('group', g.id)?.typed;
          const inGroup = listed.get(g.id) ?? [];
          const asked = refused?.groupId === g.id ? pageHolding(inGroup.indexOf(refused)) : view.group === g.slug ? view.page : 1;
          const { items, page, pages } = pageOf(inGroup, asked);
          const sectionView: ListView = { q: view.q, group: g.slug, page };
          return {
            ...g,
            sectionId: sectionId(g.slug),
            // Every form of the section posts this back, so its redirect (or refusal) shows this page again.
            view: listQuery(sectionView),
            done: g.slug === doneIn ? done : undefined,
            pagination: pagination({ page, pages }, (n) => listHref({ ...sectionView, page: n })),
            paginationLabel: deps.i18n.t(lang(res), 'admin.keywords.pages_label', { title: g.title }),
            inNavigation: inNavigation.has(g.slug),
            // What was typed in a refused row, else what is stored.
            titleValue: typed?.title ?? g.title,
            multipleChecked: typed ? typed.multiple === 'on' : g.multiple,
            inNavigationChecked: typed ? typed.inNavigation === 'on' : inNavigation.has(g.slug),
            titleError: problemOn('group', g.id, 'title'),
            multipleError: problemOn('group', g.id, 'multiple'),
            deletable: g.slug !== TAGS_GROUP,
            // Usage is counted for the rows shown only: each count reads the keyword's posting list.
            keywords: items.map((k) => {
              const renameError = problemOn('keyword', k.id, 'title');
              const mergeError = problemOn('keyword', k.id, 'target');
              return {
                ...k,
                usage: deps.keywords.usage(k.id),
                renameValue: renameError ? row!.typed.title : k.title,
                renameError,
                mergeValue: mergeError ? row!.typed.target : '',
                mergeError,
              };
            }),
          };
        }),
      },
      { status, title: deps.i18n.t(lang(res), 'admin.keywords.title') },
    );
  }

  const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const param = (req: Request, name: string) => str((req.params as Record<string, unknown>)[name]);
  /**
   * Runs a change, then the `done` value saying so: `<done>_highlights` when the homepage showed a
   * highlights block that no longer finds its keyword (the confirmation page warned of it; a merge
   * normally keeps it, the merged address leading to the target).
   */
  async function withHighlights(done: string, change: () => Promise<unknown>): Promise<string> {
    const before = await deps.highlights();
    await change();
    const after = await deps.highlights();
    return before.shown && !isDead(before) && isDead(after) ? `${done}_highlights` : done;
  }

  router.get('/admin/keywords', (req, res) => show(req, res));
  // A refused form is shown at the address it was posted to: its language links and a reload by
  // address come back to the list, on the page and filter the form carried (and ?lang=), not to a 404.
  const backToList = (req: Request, res: Response) => res.redirect(303, `/admin/keywords${queryOf(req.originalUrl)}`);
  router.get(['/admin/keywords/groups', '/admin/keywords/groups/:id'], backToList);

  router.post('/admin/keywords', async (req, res) => {
    const form = { group: str(body(req).group), title: str(body(req).title) };
    try {
      const group = await deps.keywords.group(form.group);
      if (!group) throw new KeywordInputError('group_not_found', 'group');
      if (req.user?.role !== 'admin' && group.slug !== TAGS_GROUP) throw new KeywordInputError('tags_only', 'group');
      await deps.keywords.create(group.id, form.title);
      res.redirect(303, listHref(viewOf(req), 'created'));
    } catch (err) {
      if (!(err instanceof KeywordInputError)) throw err;
      await show(req, res, { form, errors: { [err.field]: message(res, err) } }, err.code === 'tags_only' ? 403 : 400);
    }
  });

  router.post('/admin/keywords/groups', admin, async (req, res) => {
    const b = body(req);
    const form = { groupTitle: str(b.title) };
    try {
      await deps.keywords.createGroup({ title: form.groupTitle, multiple: b.multiple === 'on', inNavigation: b.inNavigation === 'on' });
      res.redirect(303, listHref(viewOf(req), 'group_created'));
    } catch (err) {
      if (!(err instanceof KeywordInputError)) throw err;
      await show(req, res, { form, errors: { groupTitle: message(res, err) } }, 400);
    }
  });

  router.post('/admin/keywords/groups/:id', admin, async (req, res, next) => {
    const b = body(req);
    try {
      await deps.keywords.updateGroup(param(req, 'id'), { title: b.title === undefined ? undefined : str(b.title), multiple: b.multiple === 'on', inNavigation: b.inNavigation === 'on' });
      res.redirect(303, listHref(viewOf(req), 'group_saved'));
    } catch (err) {
      if (!(err instanceof KeywordInputError)) throw err;
      if (err.code === 'group_not_found') return next();
      const typed: Form = { multiple: str(b.multiple), inNavigation: str(b.inNavigation), ...(b.title === undefined ? {} : { title: str(b.title) }) };
      await show(req, res, { row: { kind: 'group', id: param(req, 'id'), field: rowField('group', err.field), typed, message: message(res, err) } }, 400);
    }
  });

  // Deleting a group: a confirmation page with what goes with it, then the POST.
  router.get('/admin/keywords/groups/:id/delete', admin, async (req, res, next) => {
    const group = await deps.keywords.group(param(req, 'id'));
    if (!group || group.id !== param(req, 'id')) return next();
    const protectedGroup = group.slug === TAGS_GROUP;
    await deps.render(
      req,
      res,
      ['admin-keyword-group-delete'],
      {
        group,
        usage: await deps.keywords.groupUsage(group.id),
        highlights: highlightsShowGroup(await deps.highlights(), group),
        refusal: protectedGroup ? deps.i18n.t(lang(res), 'keywords.errors.group_protected', { title: group.title }) : undefined,
        // The list the admin came from: posted with the form, and where Cancel leads.
        view: listQuery(viewOf(req)),
        back: listHref(viewOf(req)),
      },
      { title: deps.i18n.t(lang(res), 'admin.keywords.group_delete_title', { title: group.title }) },
    );
  });

  router.post('/admin/keywords/groups/:id/delete', admin, async (req, res, next) => {
    try {
      const done = await withHighlights('group_deleted', () => deps.keywords.removeGroup(param(req, 'id')));
      // The group's section is gone: back to the top of the list, the filter kept.
      res.redirect(303, listHref({ q: viewOf(req).q, page: 1 }, done));
    } catch (err) {
      if (!(err instanceof KeywordInputError)) throw err;
      if (err.code === 'group_not_found') return next();
      // No field of the row is wrong (the group may not go): the message stands at the top.
      await show(req, res, { row: { kind: 'group', id: param(req, 'id'), typed: {}, message: message(res, err) } }, 400);
    }
  });

  router.get('/admin/keywords/:id/delete', admin, async (req, res, next) => {
    const keyword = await deps.keywords.get(param(req, 'id'));
    if (!keyword) return next();
    const highlights = highlightsShowKeyword(await deps.highlights(), keyword.id);
    const view = viewOf(req);
    await deps.render(req, res, ['admin-keyword-delete'], { keyword, count: deps.keywords.usage(keyword.id), highlights, view: listQuery(view), back: listHref(view) }, { title: deps.i18n.t(lang(res), 'admin.keywords.delete_title', { title: keyword.title }) });
  });

  /**
   * Why `typed` names no keyword to merge `sourceId` into, saying what was typed and what is
   * expected (`group/keyword`, the keyword's address), with an example that exists: the keyword
   * whose title was typed when there is one (in the typed group, else the source's), else another
   * keyword of that group, else of any group.
   */
  async function unknownTarget(sourceId: string, typed: string): Promise<KeywordInputError> {
    const everything = await deps.keywords.list();
    const groups = await deps.keywords.groups();
    const all = everything.filter((k) => k.id !== sourceId);
    const value = typed.slice(0, 80);
    const m = /^([^/]+)\/(.+)$/.exec(typed);
    const group = m ? groups.find((g) => g.slug === m[1]!.trim().toLowerCase()) : undefined;
    const near = group?.id ?? everything.find((k) => k.id === sourceId)?.groupId;
    const named = near && typed ? findKeyword(all, near, m && group ? m[2]! : typed) : undefined;
    const example = (named ?? all.find((k) => k.groupId === near) ?? all[0])?.ref ?? `${TAGS_GROUP}/…`;
    if (!typed) return new KeywordInputError('merge_target.empty', 'target', { example });
    if (!m) return new KeywordInputError('merge_target.format', 'target', { value, example });
    if (!group) return new KeywordInputError('merge_target.group', 'target', { value, group: m[1]!.slice(0, 80), groups: groups.map((g) => g.slug).join(', ') });
    return new KeywordInputError('merge_target.unknown', 'target', { value, example });
  }

  const actions: Record<string, (id: string, b: Record<string, unknown>) => Promise<unknown>> = {
    rename: (id, b) => deps.keywords.rename(id, str(b.title)),
    merge: async (id, b) => {
      if (!(await deps.keywords.get(id))) throw new KeywordInputError('keyword_not_found', 'keyword');
      const typed = str(b.target).trim();
      const target = await deps.keywords.resolve(typed);
      if (!target) throw await unknownTarget(id, typed);
      return deps.keywords.merge(id, target.id);
    },
    delete: (id) => deps.keywords.remove(id),
  };
  const doneKey: Record<string, string> = { rename: 'renamed', merge: 'merged', delete: 'deleted' };

  // Not …/delete: that address is the confirmation page (declared above), a 404 for a keyword that is not there.
  router.get('/admin/keywords/:id/:action', (req, res, next) => (['rename', 'merge'].includes(param(req, 'action')) ? backToList(req, res) : next()));

  router.post('/admin/keywords/:id/:action', admin, async (req, res, next) => {
    const name = param(req, 'action');
    // Own actions only: 'constructor' or 'toString' in the URL is not one.
    const action = Object.hasOwn(actions, name) ? actions[name] : undefined;
    if (!action) return next();
    try {
      const done = await withHighlights(doneKey[name]!, () => action(param(req, 'id'), body(req)));
      res.redirect(303, listHref(viewOf(req), done));
    } catch (err) {
      if (!(err instanceof KeywordInputError)) throw err;
      if (err.code === 'keyword_not_found' && err.field === 'keyword') return next();
      const typed = { title: str(body(req).title), target: str(body(req).target) };
      await show(req, res, { row: { kind: 'keyword', id: param(req, 'id'), field: rowField('keyword', err.field), typed, message: message(res, err) } }, 400);
    }
  });

  return router;
}
