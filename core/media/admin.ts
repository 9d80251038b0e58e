import { Router, type NextFunction, type Request, type Response } from 'express';
import type { I18n, Language } from '../i18n/index.ts';
import type { Media, MediaStatus, MediaType, Sector } from '../store/index.ts';
import { mediaStatuses, mediaTypes } from '../store/index.ts';
import { criteria, type SearchService } from '../search/index.ts';
import type { RenderPage, RequestSite } from '../views/render.ts';
import { requireRole } from '../auth/require-role.ts';
import { MediaError, mediaProblemsOf } from './errors.ts';
import { parseMediaFields } from './fields.ts';
import { fileUrl, formatSize } from './present.ts';
import { describeFailure } from './failure.ts';
import { needsProcessing, type MediaService } from './service.ts';
import { FFMPEG_INSTALL, PDFTOPPM_INSTALL, type ToolStatus } from './tools.ts';
import { settleBody, type createUpload } from './upload.ts';
import { isLicence, licences } from '../settings/licences.ts';
import { safeReturnPath } from '../auth/return-url.ts';
import { queryOf } from '../http/query-of.ts';
import type { Logger } from 'pino';
import { applyBulk, BulkInputError, bulkActions, NO_SECTOR, parseBulkRequest, refusalReasons, sortSelection, type BulkRequest } from './admin-bulk.ts';
import { languageName, takesTracks, timedTracks, TRACK_MAX_BYTES, trackKinds, trackLanguages } from './subtitles.ts';
import { readFile } from 'node:fs/promises';
import { describePublishAt, formPublishAt, localInputValue } from './publish-at.ts';

const PER_PAGE = 50;
/** The most media one bulk action takes: a full page. */
export const BULK_MAX = PER_PAGE;
const LIST = '/admin/media';

/** The list's status filter: a stored status, or `scheduled`, the drafts waiting for their publication time. */
const listStatuses = [...mediaStatuses, 'scheduled'] as const;
type ListStatus = (typeof listStatuses)[number];

/** The list's filters from the query; a value that does not exist is ignored (it is a filter, not a form to correct). */
function listFilter(query: Record<string, unknown>, sectors: readonly Sector[]) {
  const one = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const q = one(query.q).slice(0, 200);
  const type = (mediaTypes as readonly string[]).includes(one(query.type)) ? (one(query.type) as MediaType) : undefined;
  const status = (listStatuses as readonly string[]).includes(one(query.status)) ? (one(query.status) as ListStatus) : undefined;
  const sector = sectors.find((s) => s.slug === one(query.sector));
  const params: Record<string, string> = {};
  if (q) params.q = q;
  if (type) params.type = type;
  if (status) params.status = status;
  if (sector) params.sector = sector.slug;
  return { q, type, status, sectorId: sector?.id, params, active: Object.keys(params).length > 0 };
}

/** The list's address for these filters and page: only known parameters, so always a safe place to come back to. */
function listPath(params: Record<string, string>, page: number): string {
  const query = new URLSearchParams({ ...params, ...(page > 1 ? { page: String(page) } : {}) }).toString();
  return query ? `${LIST}?${query}` : LIST;
}

/** The list page a form came from (`return`), as query values; anything that is not this list on this site counts as none. */
function returnQuery(value: unknown): Record<string, string> {
  const safe = safeReturnPath(value, LIST);
  const url = new URL(safe, 'http://kiosque.invalid');
  if (url.pathname !== LIST) return {};
  return Object.fromEntries(url.searchParams);
}

/** The upload form's choices, to show them again when it comes back: only values that exist. */
function uploadChoices(body: unknown, sectors: readonly Sector[]) {
  const b = (body ?? {}) as Record<string, unknown>;
  const status = (mediaStatuses as readonly unknown[]).includes(b.status) ? (b.status as MediaStatus) : undefined;
  const wanted = typeof b.sector === 'string' ? b.sector.trim() : '';
  const sector = wanted ? sectors.find((s) => s.slug === wanted || s.id === wanted) : undefined;
  return { status, sectorId: sector?.id };
}

/** The upload form's fields, whose problems stand beside them (by the MediaError's field). */
const uploadFields = new Set(['file', 'status', 'sector']);
/** The bulk form's fields, by the BulkInputError's code; the others (the selection) stand at the top. */
const bulkFields: Partial<Record<BulkInputError['code'], 'action' | 'sector'>> = { action_unknown: 'action', sector_required: 'sector', sector_unknown: 'sector' };
/** The id of each of those fields' control in the page. */
const fieldIds: Record<string, string> = { file: 'media-files', status: 'media-status', sector: 'media-sector', action: 'bulk-action', bulkSector: 'bulk-sector' };

interface BulkForm {
  ids?: readonly string[];
  all?: boolean;
  action?: string;
  sector?: string;
}

/** `?done=bulk_<action>&n=…` and the refusal counts, read back after the redirect. */
const count = (v: unknown) => (typeof v === 'string' && /^\d{1,5}$/.test(v) ? Number(v) : 0);

interface FileResult {
  name: string;
  ok: boolean;
  id?: string;
  message?: string;
  /** The media that already held this file's content. */
  sameAs?: { id: string; title: string };
}

/** What the edit page says of the web version, when the original needed one. */
function webVersion(m: Media, language: string) {
  const web = m.variants.web;
  if (!web) return undefined;
  return { kind: web.mime.startsWith('video/') ? 'video' : 'audio', width: web.width, height: web.height, size: formatSize(web.size, language) };
}

/**
 * A tool that is missing, as the admin page words it (admin.media.tool_<problem>): not found at
 * all, or found where it does not run, with what running it said (technical, shown as it is).
 */
function toolProblem(tool: ToolStatus, setting: string) {
  if (tool.path) return undefined;
  if (!tool.tried.length) return { problem: 'not_found', name: tool.name, setting };
  return { problem: tool.source === 'config' ? 'broken_config' : 'broken_path', name: tool.name, setting, path: tool.tried.join(', '), detail: tool.error };
}

/** Whether a media's processing may be asked again: it has some (audio, video, a PDF's preview), and it is not running now. */
const retryable = (m: Media) => needsProcessing(m) && m.processing.state !== 'processing';

/** /admin/media: upload (many files), list with processing state and retry, edit, replace, delete. */
export function createMediaAdmin(deps: {
  media: MediaService;
  i18n: I18n;
  render: RenderPage;
  upload: ReturnType<typeof createUpload>;
  /** The subtitle form's upload chain (one small file, field `track`). */
  trackUpload: ReturnType<typeof createUpload>;
  maxFiles: number;
  maxUploadMB: number;
  /** The search index: the list's filters (words, type, status, sector) read it. */
  search?: Pick<SearchService, 'index'>;
  logger?: Logger;
}): Router {
  const router = Router();
  const { media, i18n } = deps;
  router.use('/admin/media', requireRole('admin', 'editor'));
  const lang = (res: Response): Language => (res.locals.site as RequestSite).lang;
  const t = (res: Response, key: string, vars?: Record<string, unknown>) => i18n.t(lang(res), key, vars);
  const errorText = (res: Response, err: MediaError) => t(res, `media.errors.${err.code}`, err.vars);
  /** A media's processing state in words ("failed (web version): the reason", in the admin's language) and, after a failure, what the tool said. */
  const processingState = (res: Response, p: Media['processing']) => {
    const state = `${t(res, `admin.media.state_${p.state}`)}${p.step ? ` (${t(res, 'admin.media.web_version.step')})` : ''}`;
    const failure = describeFailure(i18n, lang(res), p);
    return { state: p.state, stateText: failure ? t(res, 'admin.media.state_reason', { state, reason: failure.text }) : state, stateOutput: failure?.output };
  };

  /** A scheduled draft's time, said in the admin's language (`key` takes `{date}`), and as an instant for `<time>`. */
  const scheduleOf = (res: Response, m: Media, key: string) => (m.status === 'draft' && m.publishAt ? { publishAt: m.publishAt, scheduleText: t(res, key, { date: describePublishAt(m.publishAt, lang(res)) }) } : {});

  interface ListExtra {
    results?: FileResult[];
    error?: string;
    /** The upload form's problems, by field (file, status, sector). */
    uploadErrors?: Record<string, string>;
    /** The bulk form's problems, by field (action, sector). */
    bulkErrors?: Record<string, string>;
    /** The upload form's fields as sent (status, sector), shown again. */
    upload?: unknown;
    /** The bulk form as sent, shown again after a refusal. */
    bulk?: BulkForm;
    /** The list's query, when the request is not the list's GET (a bulk form's `return`). */
    query?: Record<string, unknown>;
  }

  /** The notice after a bulk action: what was done, what was left alone and why. */
  async function bulkNotice(res: Response, query: Record<string, unknown>): Promise<string[] | undefined> {
    const m = typeof query.done === 'string' ? /^bulk_(\w+)$/.exec(query.done) : null;
    const action = m && (bulkActions as readonly string[]).includes(m[1]!) ? m[1]! : undefined;
    if (!action) return undefined;
    let sector = t(res, 'admin.media.no_sector');
    if (action === 'move' && typeof query.to === 'string' && query.to !== NO_SECTOR) {
      // From the list, not get(): the value comes from the address bar.
      const target = (await media.store.sectors.list()).find((s) => s.id === query.to);
      sector = target ? target.title : t(res, 'admin.media.bulk.removed_sector');
    }
    const lines = [t(res, `admin.media.bulk.done_${action}`, { count: count(query.n), sector })];
    if (count(query.same)) lines.push(t(res, 'admin.media.bulk.unchanged', { count: count(query.same) }));
    for (const reason of refusalReasons) if (count(query[reason])) lines.push(t(res, `admin.media.bulk.refused_${reason}`, { count: count(query[reason]) }));
    return lines;
  }

  async function showList(req: Request, res: Response, extra: ListExtra = {}, status = 200) {
    const query = extra.query ?? (req.query as Record<string, unknown>);
    const sectors = await media.store.sectors.list();
    const filter = listFilter(query, sectors);
    const asked = Math.max(1, Number(query.page) || 1);
    let total: number;
    let shown: readonly Media[];
    if (filter.status === 'scheduled' && deps.search) {
      // The drafts the other filters find, then those with a schedule, the soonest first: a few
      // among the drafts, so sorting them here costs little.
      const drafts = deps.search.index.search(criteria({ q: filter.q, types: filter.type ? [filter.type] : [], statuses: ['draft'], sectorIds: filter.sectorId ? [filter.sectorId] : [], sort: 'date', order: 'desc', page: 1, perPage: Math.max(1, await media.store.media.count()), facets: false }));
      const scheduled = (await media.store.media.getMany(drafts.ids)).filter((m) => m.status === 'draft' && m.publishAt).sort((a, b) => Date.parse(a.publishAt!) - Date.parse(b.publishAt!));
      total = scheduled.length;
      const at = Math.min(asked, Math.max(1, Math.ceil(total / PER_PAGE)));
      shown = scheduled.slice((at - 1) * PER_PAGE, at * PER_PAGE);
    } else if (filter.active && deps.search) {
      // Filtered: the search index (drafts included, newest first), then the page's records.
      const statuses = filter.status && filter.status !== 'scheduled' ? [filter.status] : [...mediaStatuses];
      const find = (page: number) => deps.search!.index.search(criteria({ q: filter.q, types: filter.type ? [filter.type] : [], statuses, sectorIds: filter.sectorId ? [filter.sectorId] : [], sort: 'date', order: 'desc', page, perPage: PER_PAGE, facets: false }));
      let found = find(asked);
      // Past the end (a bulk delete emptied the last page): the last page, as for the whole library.
      const last = Math.max(1, Math.ceil(found.total / PER_PAGE));
      if (asked > last) found = find(last);
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
    const picked = new Set(extra.bulk?.ids ?? []);
    const items = shown.map((m) => ({
      id: m.id,
      title: m.title,
      type: m.type,
      status: m.status,
      ...scheduleOf(res, m, 'admin.media.scheduled_for'),
      size: formatSize(m.original.size, lang(res)),
      thumb: m.variants.thumb ? fileUrl(m, 'thumb') : undefined,
      ...processingState(res, m.processing),
      canEdit: media.canEdit(req.user, m),
      picked: picked.has(m.id),
      retry: media.canEdit(req.user, m) && retryable(m),
      url: `/media/${m.id}/${m.slug}`,
    }));
    const done = query.done === 'uploaded' || query.done === 'deleted' || query.done === 'retry' ? t(res, `admin.media.done_${query.done}`, { count: Number(query.n) || 1 }) : undefined;
    // After an upload: the media that already held one of these files (ids from the address bar, so looked up).
    const earlierIds = query.done === 'uploaded' && typeof query.earlier === 'string' ? query.earlier.split(',').filter((id) => /^\d{1,15}$/.test(id)).slice(0, 20) : [];
    const earlier = (await media.store.media.getMany(earlierIds)).filter((m) => media.canSee(req.user, m)).map((m) => ({ id: m.id, title: m.title }));
    const chosen = uploadChoices(extra.upload, sectors);
    const selectable = items.filter((i) => i.canEdit).map((i) => i.id);
    const uploadErrors = extra.uploadErrors ?? {};
    // Without a bulk form on this page (nothing the user may edit), its problems stand at the top.
    const bulkErrors = selectable.length ? (extra.bulkErrors ?? {}) : {};
    const error = [extra.error, ...(selectable.length ? [] : Object.values(extra.bulkErrors ?? {}))].filter(Boolean).join(' ') || undefined;
    // Fields in error: a summary at the top links to the first, whose message stands beside it.
    const inError = [...Object.keys(uploadErrors), ...Object.keys(bulkErrors).map((f) => (f === 'sector' ? 'bulkSector' : f))];
    const fieldSummary = inError.length ? { text: t(res, 'form.has_errors', { count: inError.length }), anchor: fieldIds[inError[0]!] } : undefined;
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
          statuses: listStatuses.map((v) => ({ value: v, label: t(res, v === 'scheduled' ? 'admin.media.status_scheduled' : `media.status_${v}`), selected: v === filter.status })),
          sectors: sectors.map((sec) => ({ value: sec.slug, label: sec.title, selected: sec.id === filter.sectorId })),
        },
        tools: tools.ok ? undefined : { ...FFMPEG_INSTALL, missing: [toolProblem(tools.ffmpeg, 'media.ffmpegPath'), toolProblem(tools.ffprobe, 'media.ffprobePath')].filter(Boolean) },
        pdfTools: tools.pdftoppm.path ? undefined : { ...PDFTOPPM_INSTALL, missing: [toolProblem(tools.pdftoppm, 'media.pdftoppmPath')] },
        queue: { running: media.queue.running, waiting: media.queue.waiting },
        upload: {
          errors: uploadErrors,
          statuses: mediaStatuses.map((v) => ({ value: v, label: t(res, `media.status_${v}`), selected: v === chosen.status })),
          sectors: sectors.map((sec) => ({ value: sec.slug, label: sec.title, selected: sec.id === chosen.sectorId })),
        },
        // This page, to come back to after a bulk action (built from the validated filters only).
        returnTo: listPath(filter.params, page),
        bulk: selectable.length
          ? {
              pageIds: selectable.join(','),
              count: selectable.length,
              all: extra.bulk?.all === true,
              errors: bulkErrors,
              actions: bulkActions.map((v) => ({ value: v, label: t(res, `admin.media.bulk.action_${v}`), selected: v === extra.bulk?.action })),
              sectors: [
                { value: NO_SECTOR, label: t(res, 'admin.media.no_sector'), selected: extra.bulk?.sector === NO_SECTOR },
                ...sectors.map((sec) => ({ value: sec.id, label: sec.title, selected: sec.id === extra.bulk?.sector })),
              ],
            }
          : undefined,
        maxFiles: deps.maxFiles,
        maxUploadMB: deps.maxUploadMB,
        results: extra.results,
        error,
        fieldSummary,
        done,
        earlier,
        bulkDone: await bulkNotice(res, query),
      },
      { status, title: t(res, 'admin.media.title') },
    );
  }

  router.get('/admin/media', (req, res) => showList(req, res));

  router.post('/admin/media', ...deps.upload, async (req, res) => {
    const files = (Array.isArray(req.files) ? req.files : []) as Express.Multer.File[];
    if (files.length === 0) throw new MediaError('no_file', 400, 'file');
    const fields = await parseMediaFields(media.store, (req.body ?? {}) as Record<string, unknown>, { forCreate: true, now: media.now() });
    const results: FileResult[] = [];
    // Files already in the library: uploaded all the same (a copy may be meant), and said so.
    const earlier: string[] = [];
    let status = 0;
    for (const f of files) {
      try {
        const m = await media.create(f.path, f.originalname, fields, req.user!);
        const same = await media.sameContentAs(m);
        if (same) earlier.push(same.id);
        results.push({ name: m.original.name, ok: true, id: m.id, sameAs: same && { id: same.id, title: same.title } });
      } catch (err) {
        if (!(err instanceof MediaError)) throw err;
        status = Math.max(status, err.status);
        results.push({ name: f.originalname.replace(/[\p{Cc}\p{Cf}]/gu, '').slice(0, 120), ok: false, message: errorText(res, err) });
      }
    }
    if (status === 0) return res.redirect(303, `/admin/media?done=uploaded&n=${results.length}${earlier.length ? `&earlier=${[...new Set(earlier)].join(',')}` : ''}`);
    await showList(req, res, { results, upload: req.body }, status);
  });

  /** The bulk form, as sent, for showing it again; only ids, the rest is matched against the options. */
  function bulkForm(body: Record<string, unknown>): BulkForm {
    const list = (v: unknown) => (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
    return { ids: list(body.ids), all: body.all === 'page', action: typeof body.action === 'string' ? body.action : undefined, sector: typeof body.sector === 'string' ? body.sector : undefined };
  }

  router.post('/admin/media/bulk', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const back = returnQuery(body.return);
    const sectors = await media.store.sectors.list();
    const filter = listFilter(back, sectors);
    const returnTo = listPath(filter.params, Math.max(1, Number(back.page) || 1));
    let request: BulkRequest;
    try {
      request = await parseBulkRequest(media, body, BULK_MAX);
    } catch (err) {
      if (!(err instanceof BulkInputError)) throw err;
      const message = t(res, `admin.media.bulk.errors.${err.code}`, err.vars);
      const field = bulkFields[err.code];
      return showList(req, res, { ...(field ? { bulkErrors: { [field]: message } } : { error: message }), bulk: bulkForm(body), query: back }, 400);
    }
    if (request.action === 'delete' && body.confirm !== 'yes') {
      // First the list of what will go, and a second post to confirm it: only those ids.
      const { allowed, refused } = await sortSelection(media, req.user!, request.ids);
      if (allowed.length > 0) {
        return deps.render(
          req,
          res,
          ['admin-media-bulk-delete'],
          {
            items: allowed.map((m) => ({ id: m.id, title: m.title, type: m.type })),
            count: allowed.length,
            refusals: refusalReasons.filter((r) => refused[r] > 0).map((r) => t(res, `admin.media.bulk.refused_${r}`, { count: refused[r] })),
            returnTo,
          },
          { title: t(res, 'admin.media.bulk.delete_title', { count: allowed.length }) },
        );
      }
    }
    const outcome = await applyBulk({ media, logger: deps.logger }, req.user!, request);
    const notice = new URLSearchParams({ done: `bulk_${request.action}`, n: String(outcome.changed) });
    if (outcome.unchanged) notice.set('same', String(outcome.unchanged));
    for (const reason of refusalReasons) if (outcome.refused[reason]) notice.set(reason, String(outcome.refused[reason]));
    if (request.action === 'move') notice.set('to', request.sector?.id ?? NO_SECTOR);
    res.redirect(303, `${returnTo}${returnTo.includes('?') ? '&' : '?'}${notice}`);
  });

  async function editable(req: Request): Promise<Media> {
    const id = String(req.params.id);
    const m = /^\d{1,15}$/.test(id) ? await media.store.media.get(id) : undefined;
    if (!m) throw new MediaError('not_found', 404);
    if (!media.canEdit(req.user, m)) throw new MediaError('not_yours', 403);
    return m;
  }

  /**
   * The subtitles section of a video's edit page, or the transcript section of a sound's: its
   * tracks, and the form to add one (as typed, after a refusal).
   */
  function tracksSection(res: Response, m: Media, sent?: Record<string, unknown>) {
    if (!takesTracks(m.type)) return undefined;
    // A sound's tracks are its transcript: the same forms, said for what they are.
    const said = (key: string, vars?: Record<string, string>) => t(res, `admin.media.tracks.${key}${m.type === 'audio' ? '_audio' : ''}`, vars);
    const kind = typeof sent?.kind === 'string' ? sent.kind : 'subtitles';
    const wanted = typeof sent?.lang === 'string' ? sent.lang : lang(res);
    return {
      text: { title: said('title'), intro: said('intro'), none: said('none'), file: said('file', { max: String(TRACK_MAX_BYTES / 1024) }), add: said('add') },
      list: timedTracks(m, i18n, lang(res)).map((tr) => ({ ...tr, kindText: said(`kind_${tr.kind}`) })),
      kinds: trackKinds.map((k) => ({ value: k, label: said(`kind_${k}`), selected: k === kind })),
      languages: trackLanguages.map((l) => ({ value: l, label: languageName(l), lang: l, selected: l === wanted })),
    };
  }

  function doneText(res: Response, m: Media, done: string) {
    if (['saved', 'replaced'].includes(done)) return t(res, `admin.media.done_${done}`);
    if (['track_added', 'track_removed'].includes(done)) return t(res, `admin.media.done_${done}${m.type === 'audio' ? '_audio' : ''}`);
    return undefined;
  }

  async function showEdit(req: Request, res: Response, m: Media, extra: { errors?: Record<string, string>; form?: Record<string, unknown>; trackForm?: Record<string, unknown> } = {}, status = 200) {
    const [sectors, keywords, groups] = await Promise.all([media.store.sectors.list(), media.store.keywords.list(), media.store.keywordGroups.list()]);
    // The field takes `group/keyword`, so it shows the media's keywords that way (ids mean nothing to a person).
    const groupSlug = new Map(groups.map((g) => [g.id, g.slug]));
    const refs = m.keywordIds.map((id) => keywords.find((k) => k.id === id)).flatMap((k) => (k && groupSlug.has(k.groupId) ? [`${groupSlug.get(k.groupId)}/${k.slug}`] : []));
    // The stored time in the server's zone; publish-at.js shows it in the browser's (`publishAtInstant`).
    const stored = m.status === 'draft' && m.publishAt ? { publishAt: localInputValue(m.publishAt), publishAtInstant: m.publishAt } : { publishAt: '' };
    const form = { title: m.title, description: m.description, sectorId: m.sectorId ?? '', keywords: refs.join(', '), licence: m.licence, status: m.status, ...stored, ...(extra.form ?? {}) };
    await deps.render(
      req,
      res,
      ['admin-media-edit'],
      {
        schedule: scheduleOf(res, m, 'admin.media.scheduled_notice'),
        // A time to the second (set through the API) is not a step mismatch the browser would refuse to send.
        publishAtSeconds: typeof form.publishAt === 'string' && /T\d{2}:\d{2}:/.test(form.publishAt),
        media: { id: m.id, type: m.type, url: `/media/${m.id}/${m.slug}`, thumb: m.variants.thumb ? fileUrl(m, 'thumb') : undefined, name: m.original.name, size: formatSize(m.original.size, lang(res)), ...processingState(res, m.processing), web: webVersion(m, lang(res)) },
        form,
        sectors: sectors.map((s) => ({ ...s, selected: s.id === form.sectorId })),
        keywords,
        // The site's licences, and the media's own if it predates the list.
        licences: [...(isLicence(form.licence) || !form.licence ? [] : [{ value: String(form.licence), label: String(form.licence), selected: true }]), ...licences.map((id) => ({ value: id, label: t(res, `licences.${id}`), selected: id === form.licence }))],
        statuses: mediaStatuses,
        errors: extra.errors ?? {},
        // The edit form's own problems (the replace and subtitle forms' errors are shown on those forms).
        fieldErrorCount: Object.keys(extra.errors ?? {}).filter((field) => !['file', 'track', 'kind', 'lang'].includes(field)).length,
        tracks: tracksSection(res, m, extra.trackForm),
        done: doneText(res, m, String(req.query.done)),
      },
      { status, title: t(res, 'admin.media.edit_title', { title: m.title }) },
    );
  }

  // A refused form is shown at the address it was posted to: its language links and a reload by
  // address come back to the page it was on (with ?lang= kept) rather than to a 404.
  router.get('/admin/media/bulk', (req, res) => res.redirect(303, `${LIST}${queryOf(req.originalUrl)}`));
  router.get('/admin/media/:id/replace', (req, res) => res.redirect(303, `${LIST}/${encodeURIComponent(String(req.params.id))}${queryOf(req.originalUrl)}`));
  router.get(['/admin/media/:id/retry', '/admin/media/:id/delete'], (req, res) => res.redirect(303, `${LIST}${queryOf(req.originalUrl)}`));
  router.get(['/admin/media/:id/tracks', '/admin/media/:id/tracks/delete'], (req, res) => res.redirect(303, `${LIST}/${encodeURIComponent(String(req.params.id))}${queryOf(req.originalUrl)}`));

  router.get('/admin/media/:id', async (req, res) => showEdit(req, res, await editable(req)));

  router.post('/admin/media/:id', async (req, res) => {
    const m = await editable(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      // A licence from before the list (an import, an older version) may be kept as it is; a new one must come from the list.
      const { licence: sentLicence, publish_at: publishAt, publish_at_offset: offset, ...rest } = body;
      const schedule = publishAt === undefined ? {} : { publishAt: formPublishAt(publishAt, offset) };
      const fields = await parseMediaFields(media.store, { ...rest, ...schedule, ...(sentLicence === m.licence ? {} : { licence: sentLicence }), sector: body.sector ?? '' }, { forCreate: false, now: media.now(), currentStatus: m.status });
      if (body.keywords === '' || body.keywords === undefined) fields.keywordIds = [];
      await media.update(m.id, fields);
      res.redirect(303, `/admin/media/${m.id}?done=saved`);
    } catch (err) {
      if (!(err instanceof MediaError) || !err.field) throw err;
      // Every field's problem beside it (the first one per field), and everything as it was typed.
      const errors: Record<string, string> = {};
      for (const problem of mediaProblemsOf(err)) errors[problem.field ?? 'title'] ??= errorText(res, problem);
      await showEdit(req, res, m, { errors, form: { ...body, sectorId: body.sector, publishAt: typeof body.publish_at === 'string' ? body.publish_at : '', publishAtInstant: undefined } }, err.status);
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

  router.post(
    '/admin/media/:id/tracks',
    async (req: Request, res: Response, next: NextFunction) => {
      await editable(req);
      next();
    },
    ...deps.trackUpload,
    async (req: Request, res: Response) => {
      const m = await editable(req);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const files = (Array.isArray(req.files) ? req.files : []) as Express.Multer.File[];
      const kind = trackKinds.find((k) => k === body.kind);
      const language = trackLanguages.find((l) => l === body.lang);
      if (!kind) throw new MediaError('track_kind_unknown', 400, 'kind');
      if (!language) throw new MediaError('track_language_unknown', 400, 'lang');
      if (files.length !== 1) throw new MediaError('no_file', 400, 'track');
      await media.setTrack(m.id, kind, language, await readFile(files[0]!.path));
      res.redirect(303, `/admin/media/${m.id}?done=track_added#tracks`);
    },
    async (err: unknown, req: Request, res: Response, next: NextFunction) => {
      await settleBody(req, res);
      if (!(err instanceof MediaError) || err.status === 404 || err.status === 403) return next(err);
      // The upload chain's refusals, said for a subtitle file.
      const said = err.code === 'too_large' ? new MediaError('track_too_large', 413, 'track', { max: TRACK_MAX_BYTES / 1024 }) : err.code === 'unexpected_field' || err.code === 'too_many_files' ? new MediaError('no_file', 400, 'track') : err;
      try {
        const m = await editable(req);
        await showEdit(req, res, m, { errors: { [said.field ?? 'track']: errorText(res, said) }, trackForm: (req.body ?? {}) as Record<string, unknown> }, said.status);
      } catch (e) {
        next(e);
      }
    },
  );

  router.post('/admin/media/:id/tracks/delete', async (req, res) => {
    const m = await editable(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const kind = trackKinds.find((k) => k === body.kind);
    const removed = kind && typeof body.lang === 'string' ? await media.removeTrack(m.id, kind, body.lang) : false;
    res.redirect(303, `/admin/media/${m.id}${removed ? '?done=track_removed' : ''}#tracks`);
  });

  router.post('/admin/media/:id/delete', async (req, res) => {
    const m = await editable(req);
    await media.remove(m.id);
    res.redirect(303, '/admin/media?done=deleted');
  });

  router.post('/admin/media/:id/retry', async (req, res) => {
    const m = await editable(req);
    // Only what the list offers Retry for: anything else (an image, a job running now) changes nothing, and says so.
    if (!retryable(m)) throw new MediaError('nothing_to_retry', 409);
    await media.retry(m.id);
    res.redirect(303, '/admin/media?done=retry');
  });

  router.use('/admin/media', async (err: unknown, req: Request, res: Response, next: NextFunction) => {
    await settleBody(req, res);
    if (!(err instanceof MediaError)) return next(err);
    if (err.status === 404 || err.status === 403) return next(Object.assign(new Error(err.code), { status: err.status, expose: true }));
    try {
      // Every problem of the upload's fields (status and sector), not only the first, each beside its field.
      const isUpload = req.method === 'POST' && req.path === '/';
      const uploadErrors: Record<string, string> = {};
      const others: string[] = [];
      for (const e of mediaProblemsOf(err)) {
        if (isUpload && e.field && uploadFields.has(e.field)) uploadErrors[e.field] ??= errorText(res, e);
        else others.push(errorText(res, e));
      }
      await showList(req, res, { error: others.join(' ') || undefined, uploadErrors, upload: req.method === 'POST' ? req.body : undefined }, err.status);
    } catch (e) {
      next(e);
    }
  });
  return router;
}
