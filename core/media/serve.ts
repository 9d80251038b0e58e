import path from 'node:path';
import { Router, type Request, type Response, type NextFunction } from 'express';
import type { Media, StoredFile } from '../store/index.ts';
import { LOCATION_PENDING, type MediaService } from './service.ts';
import { TRACK_NAME, trackName } from './subtitles.ts';
import type { RequestSite } from '../views/render.ts';
import type { SkeletonSettings } from '../settings/skeleton.ts';

export const servedVariants = ['original', 'thumb', 'medium', 'large', 'poster', 'web'] as const;

/** Served inline; anything else is a download. PDF has scripting and forms: download too. A video's subtitles (WebVTT) are read by its player. */
const inlineMimes = /^(?:image\/(?:jpeg|png|webp|gif|avif)|audio\/|video\/|text\/vtt$)/;

/**
 * Whether a media's original is shown by the browser (images, the source of the audio and video
 * players) rather than downloaded. A document's original is always its download, plain text
 * included: the skeleton's download rules govern every document alike.
 */
export const showsOriginalInline = (m: Pick<Media, 'type' | 'original'>) => m.type !== 'document' && inlineMimes.test(m.original.mime);

/**
 * What counts as a download: any file answer sent as an attachment, that is a request with
 * `?download` (the media page's download link, whatever the variant), and an original not shown
 * inline (see showsOriginalInline: documents, TIFF…). The original served inline and the
 * derivatives (thumb, medium, large, poster: images; web: the players' first source) without
 * `?download` are display, and stay available whatever the rules.
 */
export function isDownload(m: Pick<Media, 'type' | 'original'>, file: StoredFile, query: Request['query']): boolean {
  if (query.download !== undefined) return true;
  return file === m.original ? !showsOriginalInline(m) : !inlineMimes.test(file.mime);
}

/**
 * The skeleton's download rules for this visitor: `forbidden` (downloads off, 403), `sign-in`
 * (signed-in visitors only and this one is anonymous, 401) or `allowed`. Whoever may edit the
 * media (its author editor, admins) always may: they uploaded it and need it back.
 */
export function downloadDecision(rules: Pick<SkeletonSettings, 'allowDownloads' | 'downloadsSignedInOnly'>, signedIn: boolean, mayEdit: boolean): 'allowed' | 'forbidden' | 'sign-in' {
  if (mayEdit) return 'allowed';
  if (!rules.allowDownloads) return 'forbidden';
  if (rules.downloadsSignedInOnly && !signedIn) return 'sign-in';
  return 'allowed';
}

/**
 * Whether a media's files are kept from this visitor for now: an audio or video the queue has not
 * yet cleared of the place it was made (core/media/service.ts) goes to whoever may edit it only.
 */
export const withheldFor = (m: Pick<Media, 'meta'>, mayEdit: boolean) => m.meta[LOCATION_PENDING] === true && !mayEdit;

/** A policy that lets a file display and nothing else, even opened at top level. */
export const FILE_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox";

export function downloadName(m: Media): string {
  const ext = path.extname(m.original.file);
  const base = m.original.name.replace(/\.[^.]{1,12}$/, '');
  return `${base}${ext}`;
}

function pick(m: Media, variant: string, acceptsWebp: boolean): StoredFile | undefined {
  if (variant === 'original') return m.original;
  if (TRACK_NAME.test(variant)) return m.tracks?.find((t) => trackName(t) === variant)?.file;
  if (acceptsWebp && m.variants[`${variant}.webp`]) return m.variants[`${variant}.webp`];
  return m.variants[variant];
}

/** `/files/:id/:variant` (mount at `/files`), behind the access gate: drafts only for whoever may see them, Range, ETag, 304 by `send`. */
export function createFileRoutes(deps: { media: MediaService }): Router {
  const router = Router();
  router.get('/:id/:variant', async (req: Request, res: Response, next: NextFunction) => {
    const { id, variant } = req.params as { id: string; variant: string };
    const isTrack = TRACK_NAME.test(variant);
    if (!/^\d{1,15}$/.test(id) || !((servedVariants as readonly string[]).includes(variant) || isTrack)) return next();
    // Read only: the shared record, not a copy (this answers every thumbnail of every page).
    const [m] = await deps.media.store.media.getMany([id]);
    if (!m || !deps.media.canSee(req.user, m)) return next();
    // Subtitles are text the editors wrote: nothing in them waits for the queue.
    if (!isTrack && withheldFor(m, deps.media.canEdit(req.user, m))) {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Retry-After', '30');
      res.status(503).end();
      return;
    }
    const acceptsWebp = /\bimage\/webp\b/.test(req.headers.accept ?? '');
    const file = pick(m, variant, acceptsWebp);
    if (!file) return next();
    if (variant !== 'original' && m.variants[`${variant}.webp`]) res.vary('Accept');
    const attachment = isDownload(m, file, req.query);
    if (attachment) {
      const rules = (res.locals.site as RequestSite).skeleton;
      const decision = downloadDecision(rules, !!req.user, deps.media.canEdit(req.user, m));
      if (decision !== 'allowed') {
        // No content, and nothing a cache may keep: the answer changes with the visitor and the rules.
        res.setHeader('Cache-Control', 'private, no-store');
        res.vary('Cookie');
        res.status(decision === 'forbidden' ? 403 : 401).end();
        return;
      }
      // Allowed for signed-in visitors only: a shared cache must not hand it to anybody else.
      if (rules.downloadsSignedInOnly) res.setHeader('Cache-Control', 'private, no-cache');
    }
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', FILE_CSP);
    // An access rule may have marked the response private already (e.g. the intranet): never widen it.
    if (!res.hasHeader('Cache-Control')) res.setHeader('Cache-Control', m.status === 'published' ? 'public, max-age=300' : 'private, no-cache');
    // What anybody may fetch may also be shown by other sites: feed readers display the feeds'
    // thumbnails and play their enclosures from their own origin. Private answers stay same-origin.
    if (String(res.getHeader('Cache-Control')).startsWith('public')) res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (m.status !== 'published') res.vary('Cookie');
    if (attachment) res.attachment(variant === 'original' ? downloadName(m) : `${m.slug}-${variant}${path.extname(file.file)}`);
    res.setHeader('Content-Type', file.mime === 'text/plain' || file.mime === 'text/vtt' ? `${file.mime}; charset=utf-8` : file.mime);
    res.sendFile(deps.media.abs(file.file), { dotfiles: 'deny', lastModified: true, etag: true, acceptRanges: true, cacheControl: false }, (err?: Error & { status?: number; code?: string }) => {
      if (!err) return;
      if (err.code === 'ECONNABORTED' || res.headersSent) return;
      next(err.status === 404 || err.code === 'ENOENT' ? undefined : err);
    });
  });
  return router;
}
