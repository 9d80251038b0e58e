import { Router, type Request, type Response } from 'express';
import type { I18n } from '../i18n/index.ts';
import type { RenderPage, RequestSite } from '../views/render.ts';
import { requireRole } from '../auth/require-role.ts';
import { SectorInputError, sectorSorts, type SectorInput, type SectorService } from '../sectors/service.ts';
import type { Sector } from '../store/index.ts';
import { doneNotice } from './done-notice.ts';
import { queryOf } from '../http/query-of.ts';
import { highlightsShowSector, isDead, type HighlightsTarget } from '../site/highlights.ts';

const BASE = '/admin/config/sectors';

function formInput(body: Record<string, unknown>): SectorInput {
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
  return {
    title: str('title'),
    slug: str('slug'),
    description: str('description'),
    visible: body.visible === 'on' || body.visible === 'true',
    display: str('display') as 'grid',
    defaultSort: str('defaultSort') as 'date',
  };
}

/** /admin/config/sectors: list with media counts, create, edit, reorder, delete (with reassignment). Admins only. */
export function createSectorsAdmin(deps: { sectors: SectorService; render: RenderPage; i18n: I18n; highlights: () => Promise<HighlightsTarget> }): Router {
  const router = Router();
  router.use(BASE, requireRole('admin'));

  const lang = (res: Response) => (res.locals.site as RequestSite).lang;
  const messages = (res: Response, err: SectorInputError) =>
    Object.fromEntries(Object.entries(err.errors).map(([field, e]) => [field, deps.i18n.t(lang(res), `admin.sectors.errors.${e.code}`, e.vars)]));

  async function showList(req: Request, res: Response, extra: { form?: SectorInput; errors?: Record<string, string>; deleteError?: { id: string; message: string } } = {}, status = 200) {
    const [list, counts] = [await deps.sectors.list(), await deps.sectors.counts()];
    const done = doneNotice(deps.i18n, lang(res), 'admin.sectors', req.query.done);
    const highlights = await deps.highlights();
    // A refused deletion is about the row's "move its media to" select: its message stands beside it, linked from the top.
    const refused = extra.deleteError && list.find((s) => s.id === extra.deleteError!.id && (counts.get(s.id) ?? 0) > 0);
    await deps.render(
      req,
      res,
      ['admin-config-sectors'],
      {
        // Deleting goes without a confirmation page: the row of the sector the homepage highlights show says so beside its button.
        sectors: list.map((s, i) => ({
          ...s,
          count: counts.get(s.id) ?? 0,
          first: i === 0,
          last: i === list.length - 1,
          others: list.filter((o) => o.id !== s.id),
          inHighlights: highlightsShowSector(highlights, s.id),
          deleteError: s === refused ? extra.deleteError!.message : undefined,
        })),
        form: extra.form ?? { visible: true, display: 'grid', defaultSort: 'date' },
        errors: extra.errors ?? {},
        errorCount: Object.keys(extra.errors ?? {}).length,
        deleteSummary: refused ? { text: deps.i18n.t(lang(res), 'admin.sectors.problem', { title: refused.title }), anchor: `move-${refused.id}` } : undefined,
        deleteError: refused ? undefined : extra.deleteError,
        sorts: sectorSorts,
        done,
      },
      { status, title: deps.i18n.t(lang(res), 'admin.sectors.title') },
    );
  }

  async function showEdit(req: Request, res: Response, sector: Sector, form: SectorInput = sector, errors: Record<string, string> = {}, status = 200) {
    await deps.render(req, res, ['admin-config-sector-edit'], { sector, form, errors, errorCount: Object.keys(errors).length, sorts: sectorSorts }, { status, title: deps.i18n.t(lang(res), 'admin.sectors.edit_title', { title: sector.title }) });
  }

  router.get(BASE, (req, res) => showList(req, res));

  router.post(BASE, async (req, res) => {
    const form = formInput((req.body ?? {}) as Record<string, unknown>);
    try {
      await deps.sectors.create(form);
      res.redirect(303, `${BASE}?done=created`);
    } catch (err) {
      if (!(err instanceof SectorInputError)) throw err;
      await showList(req, res, { form, errors: messages(res, err) }, 400);
    }
  });

  router.get(`${BASE}/:id`, async (req, res, next) => {
    const sector = (await deps.sectors.list()).find((s) => s.id === req.params.id);
    if (!sector) return next();
    await showEdit(req, res, sector);
  });

  router.post(`${BASE}/:id`, async (req, res, next) => {
    const sector = (await deps.sectors.list()).find((s) => s.id === req.params.id);
    if (!sector) return next();
    const form = formInput((req.body ?? {}) as Record<string, unknown>);
    try {
      await deps.sectors.update(sector.id, form);
      res.redirect(303, `${BASE}?done=updated`);
    } catch (err) {
      if (!(err instanceof SectorInputError)) throw err;
      await showEdit(req, res, sector, form, messages(res, err), 400);
    }
  });

  // A refused deletion is shown at the address it was posted to: its language links and a reload by address come back to the list.
  router.get([`${BASE}/:id/move`, `${BASE}/:id/delete`], (req, res) => res.redirect(303, `${BASE}${queryOf(req.originalUrl)}`));

  router.post(`${BASE}/:id/move`, async (req, res, next) => {
    // A sector deleted meanwhile (another tab) is a 404, as for its edit and delete forms, not an order "changed".
    if (!(await deps.sectors.list()).some((s) => s.id === req.params.id)) return next();
    const dir = (req.body as Record<string, unknown> | undefined)?.direction;
    if (dir !== 'up' && dir !== 'down') return res.redirect(303, BASE);
    await deps.sectors.move(req.params.id, dir === 'up' ? -1 : 1);
    res.redirect(303, `${BASE}?done=moved`);
  });

  router.post(`${BASE}/:id/delete`, async (req, res, next) => {
    const moveTo = (req.body as Record<string, unknown> | undefined)?.moveTo;
    try {
      const before = await deps.highlights();
      await deps.sectors.remove(req.params.id, typeof moveTo === 'string' && moveTo ? moveTo : undefined);
      const lost = before.shown && !isDead(before) && isDead(await deps.highlights());
      res.redirect(303, `${BASE}?done=${lost ? 'deleted_highlights' : 'deleted'}`);
    } catch (err) {
      if (!(err instanceof SectorInputError)) throw err;
      if (err.errors._?.code === 'not_found') return next();
      await showList(req, res, { deleteError: { id: req.params.id, message: Object.values(messages(res, err)).join(' ') } }, 400);
    }
  });

  return router;
}
