import { Router, type NextFunction, type Request, type Response } from 'express';
import type { I18n } from '../i18n/index.ts';
import type { RequestSite } from '../views/render.ts';
import { requireRole } from '../auth/require-role.ts';
import { MediaError, mediaProblemsOf } from './errors.ts';
import { parseMediaFields } from './fields.ts';
import { mediaJson, publicMediaJson } from './present.ts';
import { settleBody } from './upload.ts';
import type { MediaService } from './service.ts';
import { describeFailure } from './failure.ts';
import type { Media } from '../store/index.ts';

type Upload = Request['files'];

function uploaded(req: Request): Express.Multer.File[] {
  const files = req.files as Upload;
  return Array.isArray(files) ? files : [];
}

/** `/api/v1/media` (POST) and `/api/v1/media/:id` (GET, PATCH, DELETE). JSON errors name the field. */
export function createMediaApi(deps: { media: MediaService; i18n: I18n; upload: ReturnType<typeof import('./upload.ts').createUpload> }): Router {
  const router = Router();
  const { media } = deps;
  const staff = requireRole('admin', 'editor');
  const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;
  const langOf = (res: Response) => (res.locals.site as RequestSite | undefined)?.lang ?? 'en';
  /** The whole record, for whoever may edit it: a failure is also said in their language (`processing.message`). */
  const editorJson = (res: Response, m: Media) => {
    const json = mediaJson(m);
    const failure = describeFailure(deps.i18n, langOf(res), m.processing);
    return failure ? { ...json, processing: { ...json.processing, message: failure.text } } : json;
  };

  router.post('/api/v1/media', staff, ...deps.upload, async (req, res) => {
    const files = uploaded(req);
    if (files.length === 0) throw new MediaError('no_file', 400, 'file');
    if (files.length > 1) throw new MediaError('too_many_files', 400, 'file', { max: 1 });
    const fields = await parseMediaFields(media.store, body(req), { forCreate: true, now: media.now() });
    const created = await media.create(files[0]!.path, files[0]!.originalname, fields, req.user!);
    // The file was already in the library: made all the same (a copy may be meant), and said so.
    const same = await media.sameContentAs(created);
    res.status(201).location(`/api/v1/media/${created.id}`).json({ ...editorJson(res, created), ...(same ? { sameContentAs: same.id } : {}) });
  });

  router.get('/api/v1/media/:id', async (req, res, next) => {
    const m = /^\d{1,15}$/.test(req.params.id) ? await media.store.media.get(req.params.id) : undefined;
    if (!m || !media.canSee(req.user, m)) return next();
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json(media.canEdit(req.user, m) ? editorJson(res, m) : publicMediaJson(m, { shooting: (res.locals.site as RequestSite | undefined)?.mediaDisplay.showShooting ?? true }));
  });

  const editable = async (req: Request, _res: Response, next: NextFunction) => {
    const m = /^\d{1,15}$/.test(String(req.params.id)) ? await media.store.media.get(String(req.params.id)) : undefined;
    if (!m || !media.canSee(req.user, m)) return next(new MediaError('not_found', 404));
    if (!media.canEdit(req.user, m)) return next(new MediaError('not_yours', 403));
    next();
  };
  const maybeUpload = (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) return next();
    const chain = [...deps.upload];
    const step = (err?: unknown): void => {
      if (err) return next(err);
      const h = chain.shift();
      if (!h) return next();
      void Promise.resolve(h(req, res, step)).catch(step);
    };
    step();
  };

  router.patch('/api/v1/media/:id', staff, editable, maybeUpload, async (req, res) => {
    const id = req.params.id as string;
    const files = uploaded(req);
    if (files.length > 1) throw new MediaError('too_many_files', 400, 'file', { max: 1 });
    const current = await media.store.media.get(id);
    const fields = await parseMediaFields(media.store, body(req), { forCreate: false, now: media.now(), currentStatus: current?.status });
    if (files[0]) await media.replace(id, files[0].path, files[0].originalname, req.user!);
    const updated = await media.update(id, fields);
    if (!updated) throw new MediaError('not_found', 404);
    res.json(editorJson(res, updated));
  });

  router.delete('/api/v1/media/:id', staff, editable, async (req, res) => {
    await media.remove(req.params.id as string);
    res.status(204).end();
  });

  router.use('/api/v1/media', async (err: unknown, req: Request, res: Response, next: NextFunction) => {
    await settleBody(req, res);
    if (!(err instanceof MediaError)) return next(err);
    const lang = langOf(res);
    const describe = (e: MediaError) => ({ code: e.code, message: deps.i18n.t(lang, `media.errors.${e.code}`, e.vars), ...(e.field ? { field: e.field } : {}) });
    // `error` is the first problem (the documented shape); `errors` lists every one, several when several fields were refused.
    res.status(err.status).json({ error: describe(err), errors: mediaProblemsOf(err).map(describe) });
  });
  return router;
}
