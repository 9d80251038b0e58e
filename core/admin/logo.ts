import { randomBytes } from 'node:crypto';
import { access, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Router, type NextFunction, type Request, type Response } from 'express';
import sharp from 'sharp';
import { fileTypeFromFile } from 'file-type';
import type { I18n } from '../i18n/index.ts';
import type { Store } from '../store/index.ts';
import type { RequestSite } from '../views/render.ts';
import { requireRole } from '../auth/require-role.ts';
import { logoVersion, readSkeleton } from '../settings/skeleton.ts';
import type { ConfigPage } from './config-page.ts';
import { createUpload, MediaError, settleBody } from '../media/index.ts';
import { queryOf } from '../http/query-of.ts';

export const LOGO_PATH = '/admin/config/skeleton/logo';
export const LOGO_MAX_MB = 5;
/** The largest logo box the skeleton page allows: the uploaded logo is kept at this size, so any box can be derived from it. */
export const LOGO_SOURCE_BOX = 1024;
const imageMimes = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/avif', 'image/tiff']);

/**
 * The logo form posts multipart, whose `_csrf` field the global middleware cannot read: it skips
 * this request and the media library's upload chain checks the token once multer has read the body.
 */
export function logoDefersCsrf(req: Request): boolean {
  return req.method === 'POST' && req.path.replace(/\/+$/, '') === LOGO_PATH && !!req.is('multipart/form-data');
}


/**
 * Logo upload and removal on the skeleton page, and `/site/logo` (served after the access gate).
 * The image is checked by its content, fitted in the largest logo box (never enlarged) and kept
 * as PNG under <dataDir>/files/site/ with a server-made name; what pages show is that logo fitted
 * in the current logo box (`logo-<name>.<box>.png` beside it, made on first request), so changing
 * the box on the skeleton page takes effect at once, larger as well as smaller.
 */
export function createLogoRoutes(deps: { store: Store; i18n: I18n; filesDir: string; tmpRoot: string; page: ConfigPage; isCsrfValid: (req: Request) => boolean }): Router {
  const router = Router();
  const siteDir = path.join(deps.filesDir, 'site');
  // The media library's upload chain: a private temp folder removed after the response, multer's limits, then the CSRF check.
  const upload = createUpload({ tmpRoot: deps.tmpRoot, field: 'logo', limits: () => ({ maxBytes: LOGO_MAX_MB * 1024 * 1024, maxFiles: 1 }), isCsrfValid: deps.isCsrfValid });

  /** Removes a logo and every size derived from it. */
  const removeLogo = async (logo: string) => {
    const stem = path.basename(logo, '.png');
    const names = await readdir(siteDir).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => n === `${stem}.png` || (n.startsWith(`${stem}.`) && n.endsWith('.png'))).map((n) => rm(path.join(siteDir, n), { force: true })));
  };

  /** The logo fitted in `box`: made once from the kept upload, then served from disk. */
  const making = new Map<string, Promise<string>>();
  const logoAt = (logo: string, box: number): Promise<string> => {
    const file = path.join(deps.filesDir, logo.replace(/\.png$/, `.${box}.png`));
    let found = making.get(file);
    if (!found) {
      found = (async () => {
        const exists = await access(file).then(() => true, () => false);
        if (!exists) {
          const png = await sharp(path.join(deps.filesDir, logo)).resize({ width: box, height: box, fit: 'inside', withoutEnlargement: true }).png().toBuffer();
          const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
          await writeFile(tmp, png);
          await rename(tmp, file);
        }
        return file;
      })().finally(() => making.delete(file));
      making.set(file, found);
    }
    return found;
  };

  const refuse = (req: Request, res: Response, code: string, status = 400) => {
    const lang = (res.locals.site as RequestSite).lang;
    const error = deps.i18n.t(lang, `admin.config.skeleton.errors.${code}`, { max: LOGO_MAX_MB });
    return deps.page.show(req, res, { extra: { logoError: error } }, status);
  };

  router.use(LOGO_PATH, async (req, res, next) => {
    if (req.user?.role === 'admin') return next();
    // Refused before reading: let a small body drain so the client gets the answer, not a broken pipe.
    await settleBody(req, res);
    requireRole('admin')(req, res, next);
  });

  router.post(
    LOGO_PATH,
    (req: Request, res: Response, next: NextFunction) => (req.is('multipart/form-data') ? next() : refuse(req, res, 'logo_missing')),
    ...upload,
    async (req: Request, res: Response) => {
      const files = (Array.isArray(req.files) ? req.files : []) as Express.Multer.File[];
      const file = files[0];
      if (!file || file.size === 0) return refuse(req, res, 'logo_missing');
      const type = await fileTypeFromFile(file.path);
      if (!type || !imageMimes.has(type.mime)) return refuse(req, res, 'logo_not_image');
      const skeleton = await readSkeleton(deps.store);
      let png: Buffer;
      try {
        png = await sharp(file.path, { limitInputPixels: 50_000_000 })
          .rotate()
          .resize({ width: LOGO_SOURCE_BOX, height: LOGO_SOURCE_BOX, fit: 'inside', withoutEnlargement: true })
          .png()
          .toBuffer();
      } catch {
        return refuse(req, res, 'logo_unreadable');
      }
      await mkdir(siteDir, { recursive: true });
      const name = `logo-${randomBytes(8).toString('hex')}.png`;
      const tmp = path.join(siteDir, `.${name}.tmp`);
      await writeFile(tmp, png);
      await rename(tmp, path.join(siteDir, name));
      const saved = (await deps.store.settings.get<Record<string, unknown>>('skeleton')) ?? {};
      await deps.store.settings.set('skeleton', { ...saved, logo: `site/${name}` });
      if (skeleton.logo) await removeLogo(skeleton.logo);
      res.redirect(303, '/admin/config/skeleton?done=logo');
    },
  );
  // The upload chain's refusals (too large, malformed, too many files) re-show the page with the logo's message.
  router.use(LOGO_PATH, (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof MediaError) || req.method !== 'POST') return next(err);
    void refuse(req, res, err.code === 'too_large' ? 'logo_too_large' : 'logo_missing', err.status === 413 ? 413 : 400);
  });

  // A refused logo is shown at the address it was posted to: its language links and a reload by address come back to the page.
  router.get([LOGO_PATH, `${LOGO_PATH}/delete`], (req, res) => res.redirect(303, `${deps.page.path}${queryOf(req.originalUrl)}`));

  router.post(`${LOGO_PATH}/delete`, async (_req, res) => {
    const skeleton = await readSkeleton(deps.store);
    const saved = (await deps.store.settings.get<Record<string, unknown>>('skeleton')) ?? {};
    await deps.store.settings.set('skeleton', { ...saved, logo: '' });
    if (skeleton.logo) await removeLogo(skeleton.logo);
    res.redirect(303, '/admin/config/skeleton?done=logo_removed');
  });

  router.get('/site/logo', async (req: Request, res: Response, next: NextFunction) => {
    const { logo, logoBox } = (res.locals.site as RequestSite).skeleton;
    if (!logo) return next();
    let file: string;
    try {
      file = await logoAt(logo, logoBox);
    } catch {
      // The kept upload is gone or unreadable: no logo rather than an error page.
      return next();
    }
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const versioned = req.query.v === logoVersion(logo, logoBox);
    res.sendFile(file, { headers: { 'Content-Type': 'image/png' }, maxAge: versioned ? '365d' : 0, immutable: versioned }, (err) => {
      if (err && !res.headersSent) next();
    });
  });

  return router;
}
