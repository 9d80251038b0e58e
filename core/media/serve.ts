import path from 'node:path';
import { Router, type Request, type Response, type NextFunction } from 'express';
import type { Media, StoredFile } from '../store/index.ts';
import type { MediaService } from './service.ts';

export const servedVariants = ['original', 'thumb', 'medium', 'large', 'poster'] as const;

/** Served inline; anything else is a download. PDF has scripting and forms: download too. */
const inlineMimes = /^(?:image\/(?:jpeg|png|webp|gif|avif)|audio\/|video\/|text\/plain$)/;

/** A policy that lets a file display and nothing else, even opened at top level. */
export const FILE_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox";

export function downloadName(m: Media): string {
  const ext = path.extname(m.original.file);
  const base = m.original.name.replace(/\.[^.]{1,12}$/, '');
  return `${base}${ext}`;
}

function pick(m: Media, variant: string, acceptsWebp: boolean): StoredFile | undefined {
  if (variant === 'original') return m.original;
  if (acceptsWebp && m.variants[`${variant}.webp`]) return m.variants[`${variant}.webp`];
  return m.variants[variant];
}

/** `/files/:id/:variant` (mount at `/files`), behind the access gate: drafts only for whoever may see them, Range, ETag, 304 by `send`. */
export function createFileRoutes(deps: { media: MediaService }): Router {
  const router = Router();
  router.get('/:id/:variant', async (req: Request, res: Response, next: NextFunction) => {
    const { id, variant } = req.params as { id: string; variant: string };
    if (!/^\d{1,15}$/.test(id) || !(servedVariants as readonly string[]).includes(variant)) return next();
    const m = await deps.media.store.media.get(id);
    if (!m || !deps.media.canSee(req.user, m)) return next();
    const acceptsWebp = /\bimage\/webp\b/.test(req.headers.accept ?? '');
    const file = pick(m, variant, acceptsWebp);
    if (!file) return next();
    if (variant !== 'original' && m.variants[`${variant}.webp`]) res.vary('Accept');
    const attachment = req.query.download !== undefined || !inlineMimes.test(file.mime);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', FILE_CSP);
    // An access rule may have marked the response private already (e.g. the intranet): never widen it.
    if (!res.hasHeader('Cache-Control')) res.setHeader('Cache-Control', m.status === 'published' ? 'public, max-age=300' : 'private, no-cache');
    if (m.status !== 'published') res.vary('Cookie');
    if (attachment) res.attachment(variant === 'original' ? downloadName(m) : `${m.slug}-${variant}${path.extname(file.file)}`);
    res.setHeader('Content-Type', file.mime === 'text/plain' ? 'text/plain; charset=utf-8' : file.mime);
    res.sendFile(deps.media.abs(file.file), { dotfiles: 'deny', lastModified: true, etag: true, acceptRanges: true, cacheControl: false }, (err?: Error & { status?: number; code?: string }) => {
      if (!err) return;
      if (err.code === 'ECONNABORTED' || res.headersSent) return;
      next(err.status === 404 || err.code === 'ENOENT' ? undefined : err);
    });
  });
  return router;
}
