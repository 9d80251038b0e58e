import { Router, type NextFunction, type Request, type Response } from 'express';
import type { I18n, Language } from '../i18n/index.ts';
import type { Media, MediaStatus, MediaType, Sector } from '../store/index.ts';
import { mediaStatuses, mediaTypes } from '../store/index.ts';
import { criteria, type SearchService } from '../search/index.ts';
import type { RenderPage, RequestSite } from '../views/render.ts';
import { requireRole } from '../auth/require-role.ts';
import { MediaError } from './errors.ts';
import { parseMediaFields } from './fields.ts';
import { fileUrl, formatSize } from './present.ts';
import type { MediaService } from './service.ts';
import { settleBody, type createUpload } from './upload.ts';
import { isLicence, licences } from '../settings/licences.ts';

const PER_PAGE = 50;

/** The list's filters from the query; a value that does not exist is ignored (it is a filter, not a form to correct). */
function listFilter(query: Record<string, unknown>, sectors: readonly Sector[]) {
  const one = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const q = one(query.q).slice(0, 200);
  const type = (mediaTypes as readonly string[]).includes(one(query.type)) ? (one(query.type) as MediaType) : undefined;
  const status = (mediaStatuses as readonly string[]).includes(one(query.status)) ? (one(query.status) as MediaStatus) : undefined;
  const sector = sectors.find((s) => s.slug === one(query.sector));
  const params: Record<string, string> = {};
  if (q) params.q = q;
  if (type) params.type = type;
  if (status) params.status = status;
  if (sector) params.sector = sector.slug;
  return { q, type, status, sectorId: sector?.id, params, active: Object.keys(params).length > 0 };
}

/** The upload form's choices, to show them again when it comes back: only values that exist. */
function uploadChoices(body: unknown, sectors: readonly Sector[]) {
  const b = (body ?? {}) as Record<string, unknown>;
  const status = (mediaStatuses as readonly unknown[]).includes(b.status) ? (b.status as MediaStatus) : undefined;
  const wanted = typeof b.sector === 'string' ? b.sector.trim() : '';
  const sector = wanted ? sectors.find((s) => s.slug === wanted || s.id === wanted) : undefined;
  return { status, sectorId: sector?.id };
}

interface FileResult {
  name: string;
  ok: boolean;
  id?: string;
  message?: string;
}

/** /admin/media: upload (many files), list with processing state and retry, edit, replace, delete. */
export function createMediaAdmin(deps: {
  media: MediaService;
  i18n: I18n;
  render: RenderPage;
  upload: ReturnType<typeof createUpload>;
  maxFiles: number;
  maxUploadMB: number;
  /** The search index: the list's filters (words, type, status, sector) read it. */
  search?: Pick<SearchService, 'index'>;
}): Router {
  const router = Router();
  const { media, i18n } = deps;
  router.use('/admin/media', requireRole('admin', 'editor'));
  const lang = (res: Response): Language => (res.locals.site as RequestSite).lang;
  const t = (res: Response, key: string, vars?: Record<string, unknown>) => i18n.t(lang(res), key, vars);
  const errorText = (res: Response, err: MediaError) => t(res, `media.errors.${err.code}`, err.vars);

  /** `upload`: the upload form's fields as sent (status, sector), shown again. */
  async function showList(req: Request, res: Response, extra: { results?: FileResult[]; error?: string; upload?: unknown } = {}, status = 200) {
    const sectors = await media.store.sectors.list();
    const filter = listFilter(req.query as Record<string, unknown>, sectors);
    const asked = Math.max(1, Number(req.query.page) || 1);
    let total: number;
    let shown: readonly Media[];
    if (filter.active && deps.search) {
      // Filtered: the search index (drafts included, newest first), then the page's records.
      const found = deps.search.index.search(criteria({ q: filter.q, types: filter.type ? [filter.type] : [], statuses: filter.status ? [filter.status] : [...mediaStatuses], sectorIds: filter.sectorId ? [filter.sectorId] : [], sort: 'date', order: 'desc', page: asked, perPage: PER_PAGE, facets: false }));
      total = found.total;
      shown = (await media.store.media.getMany(found.ids)).filter((m): m is Media => !!m);
    } else {
      // One page read from the store, not the whole library sorted (40 ms at 100,000 media).
      total = await media.store.media.count();
      shown = await media.store.media.latest((Math.min(asked, Math.max(1, Math.ceil(total / PER_PAGE))) - 1) * PER_PAGE, PER_PAGE);
    }
    const pages = Math.max(1, Math.ceil(total / PER_PAGE));
    const page = Math.min(pages, asked);
    const pageHref = (n: number) => `/admin/media?${new URLSearchParams({ ...filter.params, page: String(n) })}`;
    const tools = await media.tools();
    const items = shown.map((m) => ({
      id: m.id,
      title: m.title,
      type: m.type,
      status: m.status,
      size: formatSize(m.original.size, lang(res)),
      thumb: m.variants.thumb ? fileUrl(m, 'thumb') : undefined,
      state: m.processing.state,
      error: m.processing.error,
      canEdit: media.canEdit(req.user, m),
      retry: media.canEdit(req.user, m) && (m.type === 'audio' || m.type === 'video') && m.processing.state !== 'processing',
      url: `/media/${m.id}/${m.slug}`,
    }));
    const chosen = uploadChoices(extra.upload, sectors);
    const done = req.query.done === 'uploaded' || req.query.done === 'deleted' || req.query.done === 'retry' ? t(res, `admin.media.done_${req.query.done}`, { count: Number(req.query.n) || 1 }) : undefined;
    await deps.render(
      req,
      res,
      ['admin-media'],
      {
        items,
        total,
        pageNumber: page,
        prev: page > 1 ? pageHref(page - 1) : undefined,
        next: page < pages ? pageHref(page + 1) : undefined,
        pages,
        filter: {
          q: filter.q,
          active: filter.active,
          types: mediaTypes.map((v) => ({ value: v, label: t(res, `media.type_${v}`), selected: v === filter.type })),
          statuses: mediaStatuses.map((v) => ({ value: v, label: t(res, `media.status_${v}`), selected: v === filter.status })),
          sectors: sectors.map((sec) => ({ value: sec.slug, label: sec.title, selected: sec.id === filter.sectorId })),
        },
        tools: tools.ok ? undefined : { ffmpeg: tools.ffmpeg, ffprobe: tools.ffprobe, help: tools.help },
        queue: { running: media.queue.running, waiting: media.queue.waiting },
        upload: {
          statuses: mediaStatuses.map((v) => ({ value: v, label: t(res, `media.status_${v}`), selected: v === chosen.status })),
          sectors: sectors.map((sec) => ({ value: sec.slug, label: sec.title, selected: sec.id === chosen.sectorId })),
        },
        maxFiles: deps.maxFiles,
        maxUploadMB: deps.maxUploadMB,
        results: extra.results,
        error: extra.error,
        done,
      },
      { status, title: t(res, 'admin.media.title') },
    );
  }

  router.get('/admin/media', (req, res) => showList(req, res));

  router.post('/admin/media', ...deps.upload, async (req, res) => {
    const files = (Array.isArray(req.files) ? req.files : []) as Express.Multer.File[];
    if (files.length === 0) throw new MediaError('no_file', 400, 'file');
    const fields = await parseMediaFields(media.store, (req.body ?? {}) as Record<string, unknown>, { forCreate: true });
    const results: FileResult[] = [];
    let status = 0;
    for (const f of files) {
      try {
        const m = await media.create(f.path, f.originalname, fields, req.user!);
        results.push({ name: m.original.name, ok: true, id: m.id });
      } catch (err) {
        if (!(err instanceof MediaError)) throw err;
        status = Math.max(status, err.status);
        results.push({ name: f.originalname.replace(/[\p{Cc}\p{Cf}]/gu, '').slice(0, 120), ok: false, message: errorText(res, err) });
      }
    }
    if (status === 0) return res.redirect(303, `/admin/media?done=uploaded&n=${results.length}`);
    await showList(req, res, { results, upload: req.body }, status);
  });

  async function editable(req: Request): Promise<Media> {
    const id = String(req.params.id);
    const m = /^\d{1,15}$/.test(id) ? await media.store.media.get(id) : undefined;
    if (!m) throw new MediaError('not_found', 404);
    if (!media.canEdit(req.user, m)) throw new MediaError('not_yours', 403);
    return m;
  }

  async function showEdit(req: Request, res: Response, m: Media, extra: { errors?: Record<string, string>; form?: Record<string, unknown> } = {}, status = 200) {
    const [sectors, keywords, groups] = await Promise.all([media.store.sectors.list(), media.store.keywords.list(), media.store.keywordGroups.list()]);
    // The field takes `group/keyword`, so it shows the media's keywords that way (ids mean nothing to a person).
    const groupSlug = new Map(groups.map((g) => [g.id, g.slug]));
    const refs = m.keywordIds.map((id) => keywords.find((k) => k.id === id)).flatMap((k) => (k && groupSlug.has(k.groupId) ? [`${groupSlug.get(k.groupId)}/${k.slug}`] : []));
    const form = { title: m.title, description: m.description, sectorId: m.sectorId ?? '', keywords: refs.join(', '), licence: m.licence, status: m.status, ...(extra.form ?? {}) };
    await deps.render(
      req,
      res,
      ['admin-media-edit'],
      {
        media: { id: m.id, type: m.type, url: `/media/${m.id}/${m.slug}`, thumb: m.variants.thumb ? fileUrl(m, 'thumb') : undefined, name: m.original.name, size: formatSize(m.original.size, lang(res)), state: m.processing.state, error: m.processing.error },
        form,
        sectors: sectors.map((s) => ({ ...s, selected: s.id === form.sectorId })),
        keywords,
        // The site's licences, and the media's own if it predates the list.
        licences: [...(isLicence(form.licence) || !form.licence ? [] : [{ value: String(form.licence), label: String(form.licence), selected: true }]), ...licences.map((id) => ({ value: id, label: t(res, `licences.${id}`), selected: id === form.licence }))],
        statuses: mediaStatuses,
        errors: extra.errors ?? {},
        done: req.query.done === 'saved' || req.query.done === 'replaced' ? t(res, `admin.media.done_${req.query.done}`) : undefined,
      },
      { status, title: t(res, 'admin.media.edit_title', { title: m.title }) },
    );
  }

  router.get('/admin/media/:id', async (req, res) => showEdit(req, res, await editable(req)));

  router.post('/admin/media/:id', async (req, res) => {
    const m = await editable(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      // A licence from before the list (an import, an older version) may be kept as it is; a new one must come from the list.
      const { licence: sentLicence, ...rest } = body;
      const fields = await parseMediaFields(media.store, { ...rest, ...(sentLicence === m.licence ? {} : { licence: sentLicence }), sector: body.sector ?? '' }, { forCreate: false });
      if (body.keywords === '' || body.keywords === undefined) fields.keywordIds = [];
      await media.update(m.id, fields);
      res.redirect(303, `/admin/media/${m.id}?done=saved`);
    } catch (err) {
      if (!(err instanceof MediaError) || !err.field) throw err;
      await showEdit(req, res, m, { errors: { [err.field]: errorText(res, err) }, form: { ...body, sectorId: body.sector } }, err.status);
    }
  });

  router.post('/admin/media/:id/replace', async (req, res, next) => {
    await editable(req);
    next();
  }, ...deps.upload, async (req, res) => {
    const m = await editable(req);
    const files = (Array.isArray(req.files) ? req.files : []) as Express.Multer.File[];
    try {
      if (files.length !== 1) throw new MediaError(files.length ? 'too_many_files' : 'no_file', 400, 'file', { max: 1 });
      await media.replace(m.id, files[0]!.path, files[0]!.originalname, req.user!);
      res.redirect(303, `/admin/media/${m.id}?done=replaced`);
    } catch (err) {
      if (!(err instanceof MediaError)) throw err;
      await showEdit(req, res, m, { errors: { file: errorText(res, err) } }, err.status);
    }
  });

  router.post('/admin/media/:id/delete', async (req, res) => {
    const m = await editable(req);
    await media.remove(m.id);
    res.redirect(303, '/admin/media?done=deleted');
  });

  router.post('/admin/media/:id/retry', async (req, res) => {
    const m = await editable(req);
    await media.retry(m.id);
    res.redirect(303, '/admin/media?done=retry');
  });

  router.use('/admin/media', async (err: unknown, req: Request, res: Response, next: NextFunction) => {
    await settleBody(req, res);
    if (!(err instanceof MediaError)) return next(err);
    if (err.status === 404 || err.status === 403) return next(Object.assign(new Error(err.code), { status: err.status, expose: true }));
    try {
      await showList(req, res, { error: errorText(res, err), upload: req.method === 'POST' ? req.body : undefined }, err.status);
    } catch (e) {
      next(e);
    }
  });
  return router;
}
