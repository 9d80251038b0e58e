import { Router, type Request, type Response } from 'express';
import type { I18n } from '../i18n/index.ts';
import type { RenderPage, RequestSite } from '../views/render.ts';
import { requireRole } from '../auth/require-role.ts';
import { KeywordInputError, TAGS_GROUP, type KeywordService } from './service.ts';
import { doneNotice } from '../admin/done-notice.ts';
import { highlightsShowGroup, highlightsShowKeyword, isDead, type HighlightsTarget } from '../site/highlights.ts';

type Form = Record<string, string>;

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

  async function show(req: Request, res: Response, extra: { errors?: Record<string, string>; form?: Form; rowError?: { id: string; message: string } } = {}, status = 200) {
    const isAdmin = req.user?.role === 'admin';
    const groups = await deps.keywords.groups();
    const all = await deps.keywords.list();
    const inNavigation = new Set(await deps.keywords.navigationGroups());
    const done = doneNotice(deps.i18n, lang(res), 'admin.keywords', req.query.done);
    await deps.render(
      req,
      res,
      ['admin-keywords'],
      {
        isAdminUser: isAdmin,
        done,
        errors: extra.errors ?? {},
        form: extra.form ?? {},
        rowError: extra.rowError,
        creatableGroups: groups.filter((g) => isAdmin || g.slug === TAGS_GROUP).map((g) => ({ ...g, selected: g.id === (extra.form?.group ?? '') })),
        groups: groups.map((g) => ({
          ...g,
          inNavigation: inNavigation.has(g.slug),
          deletable: g.slug !== TAGS_GROUP,
          keywords: all.filter((k) => k.groupId === g.id).map((k) => ({ ...k, usage: deps.keywords.usage(k.id) })),
        })),
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

  router.post('/admin/keywords', async (req, res) => {
    const form = { group: str(body(req).group), title: str(body(req).title) };
    try {
      const group = await deps.keywords.group(form.group);
      if (!group) throw new KeywordInputError('group_not_found', 'group');
      if (req.user?.role !== 'admin' && group.slug !== TAGS_GROUP) throw new KeywordInputError('tags_only', 'group');
      await deps.keywords.create(group.id, form.title);
      res.redirect(303, '/admin/keywords?done=created');
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
      res.redirect(303, '/admin/keywords?done=group_created');
    } catch (err) {
      if (!(err instanceof KeywordInputError)) throw err;
      await show(req, res, { form, errors: { groupTitle: message(res, err) } }, 400);
    }
  });

  router.post('/admin/keywords/groups/:id', admin, async (req, res, next) => {
    const b = body(req);
    try {
      await deps.keywords.updateGroup(param(req, 'id'), { title: b.title === undefined ? undefined : str(b.title), multiple: b.multiple === 'on', inNavigation: b.inNavigation === 'on' });
      res.redirect(303, '/admin/keywords?done=group_saved');
    } catch (err) {
      if (!(err instanceof KeywordInputError)) throw err;
      if (err.code === 'group_not_found') return next();
      await show(req, res, { rowError: { id: param(req, 'id'), message: message(res, err) } }, 400);
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
      },
      { title: deps.i18n.t(lang(res), 'admin.keywords.group_delete_title', { title: group.title }) },
    );
  });

  router.post('/admin/keywords/groups/:id/delete', admin, async (req, res, next) => {
    try {
      const done = await withHighlights('group_deleted', () => deps.keywords.removeGroup(param(req, 'id')));
      res.redirect(303, `/admin/keywords?done=${done}`);
    } catch (err) {
      if (!(err instanceof KeywordInputError)) throw err;
      if (err.code === 'group_not_found') return next();
      await show(req, res, { rowError: { id: param(req, 'id'), message: message(res, err) } }, 400);
    }
  });

  router.get('/admin/keywords/:id/delete', admin, async (req, res, next) => {
    const keyword = await deps.keywords.get(param(req, 'id'));
    if (!keyword) return next();
    const highlights = highlightsShowKeyword(await deps.highlights(), keyword.id);
    await deps.render(req, res, ['admin-keyword-delete'], { keyword, count: deps.keywords.usage(keyword.id), highlights }, { title: deps.i18n.t(lang(res), 'admin.keywords.delete_title', { title: keyword.title }) });
  });

  const actions: Record<string, (id: string, b: Record<string, unknown>) => Promise<unknown>> = {
    rename: (id, b) => deps.keywords.rename(id, str(b.title)),
    merge: async (id, b) => {
      const target = await deps.keywords.resolve(str(b.target).trim());
      if (!target) throw new KeywordInputError('keyword_not_found', 'target');
      return deps.keywords.merge(id, target.id);
    },
    delete: (id) => deps.keywords.remove(id),
  };
  const doneKey: Record<string, string> = { rename: 'renamed', merge: 'merged', delete: 'deleted' };

  router.post('/admin/keywords/:id/:action', admin, async (req, res, next) => {
    const name = param(req, 'action');
    // Own actions only: 'constructor' or 'toString' in the URL is not one.
    const action = Object.hasOwn(actions, name) ? actions[name] : undefined;
    if (!action) return next();
    try {
      const done = await withHighlights(doneKey[name]!, () => action(param(req, 'id'), body(req)));
      res.redirect(303, `/admin/keywords?done=${done}`);
    } catch (err) {
      if (!(err instanceof KeywordInputError)) throw err;
      if (err.code === 'keyword_not_found' && err.field === 'keyword') return next();
      await show(req, res, { rowError: { id: param(req, 'id'), message: message(res, err) } }, 400);
    }
  });

  return router;
}
