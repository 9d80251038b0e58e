import { Router, type Request } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import type { Media, Store } from '../store/index.ts';
import type { SearchService } from '../search/index.ts';
import type { Hooks } from '../plugins/hooks.ts';
import type { I18n } from '../i18n/index.ts';
import type { RenderPage } from '../views/render.ts';
import path from 'node:path';
import { createMediaService, type MediaService } from './service.ts';
import { createUpload } from './upload.ts';
import { createFileRoutes } from './serve.ts';
import { createMediaApi } from './api.ts';
import { createMediaAdmin } from './admin.ts';
import { TRACK_MAX_BYTES } from './subtitles.ts';
import { createMediaPage } from './page.ts';
import { createEmbedRoutes } from './embed.ts';
import type { ViewCounter } from './view-counter.ts';
import type { AuthorDirectory } from '../authors/directory.ts';
import { sectorStrip } from './sector-strip.ts';

export const MAX_FILES_PER_UPLOAD = 20;

export interface MediaRoutesDeps {
  config: Config;
  store: Store;
  logger: Logger;
  hooks: Hooks;
  i18n: I18n;
  render: RenderPage;
  /** The app's CSRF check, run after multer for multipart bodies (see defersCsrf). */
  isCsrfValid: (req: Request) => boolean;
  /** The search index, kept current on every media change (and read for media pages' sector strip). */
  search?: SearchService;
  /** Told of every media page shown (rendered here; the page cache tells it of the pages it serves). */
  views?: Pick<ViewCounter, 'record'>;
  /** Whether the visitor could open a path: a media page links only to what they may see. */
  canSee?: (req: Request, path: string) => boolean | Promise<boolean>;
  /** Who has an author page: media pages link their author's name to it. */
  authors?: Pick<AuthorDirectory, 'byId'>;
  /** Aborted when the app closes (the media service's store listeners end). */
  signal?: AbortSignal;
  /** The clock scheduled publications are judged by (epoch ms). */
  now?: () => number;
}

/**
 * Everything media: media pages, admin, API, and `files`, the `/files/...` router, which the app
 * mounts straight after the access gate (a file request then skips the page routes). Mount after the gate.
 */
export function createMediaRoutes(deps: MediaRoutesDeps): Router & { media: MediaService; files: Router } {
  const media = createMediaService(deps);
  const maxBytes = deps.config.media.maxUploadMB * 1024 * 1024;
  const tmpRoot = path.join(deps.store.info.location, 'tmp', 'uploads');
  const uploadMany = createUpload({ tmpRoot, field: 'file', limits: () => ({ maxBytes, maxFiles: MAX_FILES_PER_UPLOAD }), isCsrfValid: deps.isCsrfValid });
  const uploadOne = createUpload({ tmpRoot, field: 'file', limits: () => ({ maxBytes, maxFiles: 1 }), isCsrfValid: deps.isCsrfValid });
  const trackUpload = createUpload({ tmpRoot, field: 'track', limits: () => ({ maxBytes: TRACK_MAX_BYTES, maxFiles: 1 }), isCsrfValid: deps.isCsrfValid });

  const router = Router() as Router & { media: MediaService; files: Router };
  router.files = createFileRoutes({ media });
  const { search } = deps;
  const strip = search ? (m: Media, options: Parameters<typeof sectorStrip>[2]) => sectorStrip({ store: deps.store, search }, m, options) : undefined;
  router.use(createEmbedRoutes({ media, render: deps.render, i18n: deps.i18n }));
  router.use(createMediaPage({ media, i18n: deps.i18n, render: deps.render, views: deps.views, strip, canSee: deps.canSee, baseUrl: deps.config.baseUrl, authors: deps.authors }));
  router.use(createMediaApi({ media, i18n: deps.i18n, upload: uploadOne }));
  router.use(createMediaAdmin({ media, i18n: deps.i18n, render: deps.render, upload: uploadMany, trackUpload, maxFiles: MAX_FILES_PER_UPLOAD, maxUploadMB: deps.config.media.maxUploadMB, search, logger: deps.logger }));
  router.media = media;
  // Items a previous run left waiting: process them once the app is up.
  setImmediate(() => void media.resume().catch((err) => deps.logger.error({ err }, 'could not resume media processing')));
  return router;
}
