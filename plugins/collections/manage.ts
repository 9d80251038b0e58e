import type { Request, Response } from 'express';
import type { PluginContext, PluginPageOptions } from '../../core/plugins/api.ts';
import { checkCollection, formerSlugsAfter, MAX_DESCRIPTION, MAX_ITEMS, MAX_TITLE, mediaIdOf, slugFor, typedCollection, type FieldError, type TypedCollection } from './input.ts';
import { newId, type CollectionRecord, type CollectionRecords } from './records.ts';
import { pageHref } from './public.ts';

const BASE = '/plugins/collections/manage';
const editHref = (c: Pick<CollectionRecord, 'id'>) => `${BASE}/${c.id}`;
const NOTICES = ['created', 'saved', 'deleted'];

type FormErrors = { title?: FieldError; description?: FieldError };
type Saved = { ok: true; id: string } | { ok: false; errors: FormErrors } | { ok: false; missing: true };
type ItemChange = { ok: true } | { ok: false; error?: FieldError; missing?: true };

/**
 * Management, for administrators and editors, in the admin layout: the list, a new collection,
 * its edit page (title, description, its media: add, move, remove) and its deletion after a
 * confirmation page. Every form posts `_csrf` (checked before any plugin route); refused input
 * comes back beside its field, as typed, and nothing is stored.
 */
export function manageRoutes(ctx: PluginContext, records: CollectionRecords): void {
  const r = ctx.router;
  const lang = (req: Request) => ctx.i18n.languageOf(req);
  const t = (req: Request, key: string, vars?: Record<string, unknown>) => ctx.i18n.t(lang(req), key, vars);
  const options = (title: string, status = 200): PluginPageOptions => ({ title, status, layout: 'admin', stylesheets: ['collections.css'] });
  const message = (req: Request, error: FieldError | undefined) => error && t(req, `errors.${error.key}`, error.vars);
  const notice = (req: Request) => {
    const done = typeof req.query.done === 'string' && NOTICES.includes(req.query.done) ? req.query.done : undefined;
    return done && t(req, `manage.done_${done}`);
  };

  r.use('/manage', ctx.access.staffOnly);

  r.get('/manage', async (req, res) => {
    const rows = (await records.all()).map((c) => ({ title: c.title, href: editHref(c), publicHref: pageHref(c), deleteHref: `${editHref(c)}/delete`, count: c.mediaIds.length }));
    await ctx.views.render(req, res, 'manage', { rows, newHref: `${BASE}/new`, notice: notice(req) }, options(t(req, 'manage.title')));
  });

  /** The media of a collection as its editor sees them: drafts marked, and those they may not open named by their id. */
  async function itemsOf(req: Request, c: CollectionRecord) {
    const cards = new Map((await ctx.content.cards(req, c.mediaIds, { drafts: true })).map((card) => [card.id, card]));
    return c.mediaIds.map((id, i) => {
      const card = cards.get(id);
      return {
        id,
        title: card?.title,
        /** What its buttons name it by. */
        label: card?.title ?? id,
        href: card?.href ?? `/media/${id}`,
        thumb: card?.thumb,
        thumbWidth: card?.thumbWidth,
        thumbHeight: card?.thumbHeight,
        draft: card?.status === 'draft',
        closed: !card,
        first: i === 0,
        last: i === c.mediaIds.length - 1,
      };
    });
  }

  interface EditState {
    typed?: TypedCollection;
    errors?: FormErrors;
    add?: { value: string; error?: FieldError };
  }

  async function showEdit(req: Request, res: Response, c: CollectionRecord | undefined, state: EditState = {}) {
    const refused = !!(state.errors || state.add?.error);
    const values = state.typed ?? (c ? { title: c.title, description: c.description } : { title: '', description: '' });
    const page = {
      collection: c && { id: c.id, title: c.title, publicHref: pageHref(c), deleteHref: `${editHref(c)}/delete`, itemsAction: `${editHref(c)}/items`, count: c.mediaIds.length },
      form: {
        action: c ? editHref(c) : `${BASE}/new`,
        values,
        summary: !!state.errors,
        errors: state.errors && { title: message(req, state.errors.title), description: message(req, state.errors.description) },
        maxTitle: MAX_TITLE,
        maxDescription: MAX_DESCRIPTION,
      },
      items: c ? await itemsOf(req, c) : [],
      add: { value: state.add?.value ?? '', error: message(req, state.add?.error), maxItems: MAX_ITEMS },
      listHref: BASE,
      notice: refused ? undefined : notice(req),
    };
    const title = c ? t(req, 'manage.edit_title', { title: c.title }) : t(req, 'manage.new_title');
    await ctx.views.render(req, res, 'edit', page, options(title, refused ? 422 : 200));
  }

  r.get('/manage/new', (req, res) => showEdit(req, res, undefined));

  r.post('/manage/new', async (req, res) => {
    const typed = typedCollection(req.body);
    const saved = await records.change<Saved>(null, (_none, others) => {
      const checked = checkCollection(typed, others);
      if (!checked.ok) return { refuse: checked };
      const now = new Date().toISOString();
      let id = newId();
      while (others.some((c) => c.id === id)) id = newId();
      const save: CollectionRecord = { id, title: checked.title, slug: slugFor(checked.title, undefined, others), formerSlugs: [], description: checked.description, mediaIds: [], createdAt: now, updatedAt: now };
      return { save, result: { ok: true, id } };
    });
    if (!saved.ok) return showEdit(req, res, undefined, { typed, errors: 'errors' in saved ? saved.errors : undefined });
    ctx.log.info({ collection: saved.id, by: req.user?.id }, 'collection created');
    res.redirect(303, `${BASE}/${saved.id}?done=created`);
  });

  r.get('/manage/:id', async (req, res, next) => {
    const c = await records.get(String((req.params as { id: string }).id));
    if (!c) return next();
    await showEdit(req, res, c);
  });

  r.post('/manage/:id', async (req, res, next) => {
    const id = String((req.params as { id: string }).id);
    const typed = typedCollection(req.body);
    const saved = await records.change<Saved>(id, (current, others) => {
      if (!current) return { refuse: { ok: false, missing: true } };
      const checked = checkCollection(typed, others);
      if (!checked.ok) return { refuse: checked };
      const slug = slugFor(checked.title, current, others);
      const save = { ...current, title: checked.title, description: checked.description, slug, formerSlugs: formerSlugsAfter(current, slug), updatedAt: new Date().toISOString() };
      return { save, result: { ok: true, id } };
    });
    if (!saved.ok && 'missing' in saved) return next();
    if (!saved.ok) return showEdit(req, res, await records.get(id), { typed, errors: saved.errors });
    res.redirect(303, `${BASE}/${id}?done=saved`);
  });

  r.post('/manage/:id/items', async (req, res, next) => {
    const id = String((req.params as { id: string }).id);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const action = body.action;
    const reference = typeof body.media === 'string' ? body.media : '';
    let change: ItemChange;
    if (action === 'add') {
      const mediaId = mediaIdOf(reference, req.get('host'));
      const known = mediaId ? await ctx.content.media(mediaId) : undefined;
      change = await records.change<ItemChange>(id, (current) => {
        if (!current) return { refuse: { ok: false, missing: true } };
        if (reference.trim() === '') return { refuse: { ok: false, error: { key: 'media_required' } } };
        if (!known) return { refuse: { ok: false, error: { key: 'media_unknown', vars: { reference: reference.trim() } } } };
        if (current.mediaIds.includes(known.id)) return { refuse: { ok: false, error: { key: 'media_duplicate', vars: { title: known.title } } } };
        if (current.mediaIds.length >= MAX_ITEMS) return { refuse: { ok: false, error: { key: 'media_full', vars: { max: MAX_ITEMS } } } };
        return { save: { ...current, mediaIds: [...current.mediaIds, known.id], updatedAt: new Date().toISOString() }, result: { ok: true } };
      });
    } else if (action === 'up' || action === 'down' || action === 'remove') {
      change = await records.change<ItemChange>(id, (current) => {
        const at = current ? current.mediaIds.indexOf(reference) : -1;
        if (!current || at < 0) return { refuse: { ok: false, missing: true } };
        const mediaIds = [...current.mediaIds];
        if (action === 'remove') mediaIds.splice(at, 1);
        else {
          const to = action === 'up' ? at - 1 : at + 1;
          if (to < 0 || to >= mediaIds.length) return { refuse: { ok: true } };
          [mediaIds[at], mediaIds[to]] = [mediaIds[to]!, mediaIds[at]!];
        }
        return { save: { ...current, mediaIds, updatedAt: new Date().toISOString() }, result: { ok: true } };
      });
    } else return res.status(400).end();
    if (!change.ok && change.missing) return next();
    if (!change.ok) return showEdit(req, res, await records.get(id), { add: { value: reference, error: change.error } });
    res.redirect(303, `${BASE}/${id}#items`);
  });

  r.get('/manage/:id/delete', async (req, res, next) => {
    const c = await records.get(String((req.params as { id: string }).id));
    if (!c) return next();
    const page = { title: c.title, count: c.mediaIds.length, action: `${editHref(c)}/delete`, cancelHref: editHref(c) };
    await ctx.views.render(req, res, 'delete', page, options(t(req, 'manage.delete_title', { title: c.title })));
  });

  r.post('/manage/:id/delete', async (req, res, next) => {
    const id = String((req.params as { id: string }).id);
    if (!(await records.remove(id))) return next();
    ctx.log.info({ collection: id, by: req.user?.id }, 'collection deleted');
    res.redirect(303, `${BASE}?done=deleted`);
  });
}
