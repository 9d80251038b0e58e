import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, mkdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import type { Media, Role, Store, StoredFile, TextTrack, TrackKind } from '../store/index.ts';
import type { Hooks } from '../plugins/hooks.ts';
import { detectType, type DetectedType } from './detect.ts';
import { isMediaError, MediaError } from './errors.ts';
import { sanitiseName, slugify, titleFromName } from './filename.ts';
import { inspectImage, toMediaError, imageVariantNames, type VariantSpec } from './images.ts';
import { createImageProcess } from './image-process.ts';
import { copyWithoutMetadata, drawWaveform, extractPoster, probeAv, TOOL_NICENESS } from './av.ts';
import { hdrTransfer, makeWebVersion, toneMapFilter, webPlayability, webVersionFits, WEB_VARIANT, type WebLimits } from './web-version.ts';
import { isPdf, PDF_MEMORY_CAP, renderFirstPage } from './pdf.ts';
import { createQueue, type WorkQueue } from './queue.ts';
import { findTools, type MediaTools, type ToolStatus } from './tools.ts';
import { failureOf, ProcessingError, restated } from './failure.ts';
import { memoryCap, type MemoryCap } from './memory-cap.ts';
import { readMediaSettings, type MediaSettings } from './settings.ts';
import { createContentIndex } from './content-index.ts';
import type { MediaFields } from './fields.ts';
import { takesTracks, toWebVtt, trackFolder, trackName } from './subtitles.ts';

export interface Actor {
  id: string;
  role: Role;
}

export interface MediaServiceDeps {
  store: Store;
  config: Config;
  logger: Logger;
  hooks: Hooks;
  /** The search index (core/search), told of every create, edit and delete. */
  search?: { upsert(media: Media): void; remove(id: string): void };
  /** Aborted when the app closes: the service stops listening to the store. */
  signal?: AbortSignal;
  /** The clock (epoch ms) scheduled publications are judged by; Date.now by default. */
  now?: () => number;
}

/** What the `media.accept` filter receives and may turn into a refusal. */
export interface AcceptDecision {
  accept: boolean;
  /** Shown to the uploader when refused. */
  message?: string;
}

export interface AcceptInfo {
  type: DetectedType['type'];
  mime: string;
  size: number;
  name: string;
  user: Actor;
}

export const canSee = (user: Actor | null | undefined, m: Media) =>
  m.status === 'published' || (!!user && (user.role === 'admin' || user.role === 'editor' || user.id === m.authorId));
export const canEdit = (user: Actor | null | undefined, m: Media) => !!user && (user.role === 'admin' || (user.role === 'editor' && m.authorId === user.id));

/** ffmpeg or ffprobe missing (or not running) when a job needs it: `location` when it was to remove a file's location. */
function missingTool(tool: ToolStatus, purpose?: 'location'): ProcessingError {
  const why = purpose ? ' to remove the location from the file' : '';
  return new ProcessingError(`${tool.name} is not available (${tool.error ?? 'not found'})${why}; install it with: apt-get install ffmpeg`, { code: purpose ? 'tool_missing_location' : 'tool_missing', vars: { tool: tool.name } }, { output: tool.error });
}

/** What goes through the background queue (state, Retry): audio and video (probe, poster, web version), PDFs (preview). */
export const needsProcessing = (m: { type: Media['type']; original: Pick<Media['original'], 'mime'> }) => m.type === 'audio' || m.type === 'video' || isPdf(m);

interface Package {
  dir: string;
  type: DetectedType['type'];
  original: Media['original'];
  variants: Record<string, StoredFile>;
  meta: Record<string, unknown>;
  title: string;
}

const exists = (file: string) => access(file).then(() => true, () => false);

/**
 * Set in an audio or video's `meta` from its upload until its processing has removed the place it
 * was made from its original (or found none, or could not tell); core/media/serve.ts keeps the
 * file from visitors meanwhile.
 */
export const LOCATION_PENDING = 'locationPending';

function withoutPending(meta: Record<string, unknown>): Record<string, unknown> {
  const { [LOCATION_PENDING]: _pending, ...rest } = meta;
  return rest;
}

/** A file's content hash: duplicates are recognised by it (uploads, `kiosque import`). */
export async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The poster's or cover's picture does not decode: ffmpeg failed on it or found no frame (not
 * stopped, not out of memory, not a full disk), or what it took is no image.
 */
function pictureUndecodable(err: unknown): boolean {
  if (isMediaError(err)) return err.code === 'corrupt';
  return err instanceof ProcessingError && (err.reason.code === 'tool_failed' || err.reason.code === 'no_frame') && !/no space left on device|disk quota exceeded/i.test(`${err.message}\n${err.output ?? ''}`);
}

export function processingConcurrency(config: Config): number {
  return config.media.processingConcurrency > 0 ? config.media.processingConcurrency : Math.max(1, os.availableParallelism());
}

export function createMediaService(deps: MediaServiceDeps) {
  const { store, logger, hooks } = deps;
  const clock = deps.now ?? Date.now;
  const filesDir = path.join(store.info.location, 'files');
  const workers = processingConcurrency(deps.config);
  // Images are processed `workers` at a time; give each its share of the cores rather than
  // libvips' default of one thread pool per image sized to every core.
  const sharpConcurrency = Math.max(1, Math.floor(os.availableParallelism() / workers));
  sharp.concurrency(sharpConcurrency);
  // Derivatives and location stripping, the heavy image work, run below the server's priority.
  const images = createImageProcess({ logger, niceness: TOOL_NICENESS, sharpConcurrency });
  /** Audio/video: background jobs. */
  const queue: WorkQueue = createQueue(workers);
  /** Images are processed within the upload request, bounded apart so that uploads never wait behind long video jobs. */
  const imageQueue: WorkQueue = createQueue(workers);
  let toolsCache: Promise<MediaTools> | undefined;
  const tools = (refresh = false) => {
    if (!toolsCache || refresh) toolsCache = findTools(deps.config);
    return toolsCache;
  };
  const abs = (rel: string) => {
    const full = path.resolve(filesDir, rel);
    if (!full.startsWith(filesDir + path.sep)) throw new Error(`media path escapes the files folder: ${rel}`);
    return full;
  };
  const background = new Set<Promise<unknown>>();
  const contents = createContentIndex(store, { signal: deps.signal });

  async function variantSpecs(settings: MediaSettings, info: { type: string; mime: string }, names: readonly string[] = imageVariantNames): Promise<VariantSpec[]> {
    const boxes = settings.boxes as Record<string, number>;
    const specs = names.map((name) => ({ name, box: boxes[name] ?? boxes.large! }));
    const filtered = await hooks.applyFilter<VariantSpec[]>('media.variants', specs, info);
    return Array.isArray(filtered) ? filtered.filter((s) => s && typeof s.name === 'string' && /^[a-z][a-z0-9-]{0,30}$/.test(s.name) && s.name !== 'original' && s.name !== WEB_VARIANT && Number.isInteger(s.box) && s.box > 0 && s.box <= 10000) : specs;
  }

  /** Checks and prepares an uploaded temp file in its own folder next to it; nothing is stored yet. */
  async function prepare(tempFile: string, rawName: string, user: Actor): Promise<Package> {
    const name = sanitiseName(rawName);
    const detected = await detectType(tempFile, name);
    const { size } = await stat(tempFile);
    const decision = await hooks.applyFilter<AcceptDecision>('media.accept', { accept: true }, { type: detected.type, mime: detected.mime, size, name, user } satisfies AcceptInfo);
    if (decision && decision.accept === false) throw new MediaError('refused_by_plugin', 422, 'file', { reason: String(decision.message ?? '').slice(0, 300) });

    const settings = await readMediaSettings(store);
    const dir = path.join(path.dirname(tempFile), `pkg-${randomBytes(6).toString('hex')}`);
    await mkdir(dir);
    const originalFile = `original.${detected.ext}`;
    const originalPath = path.join(dir, originalFile);
    await rename(tempFile, originalPath);
    const digest = await sha256(originalPath);
    // Until the queue has probed it, an audio or video original may say where it was made: visitors do not get it meanwhile (core/media/serve.ts).
    const meta: Record<string, unknown> = settings.stripLocation && (detected.type === 'audio' || detected.type === 'video') ? { [LOCATION_PENDING]: true } : {};
    let variants: Record<string, StoredFile> = {};
    let width: number | undefined;
    let height: number | undefined;
    if (detected.type === 'image') {
      await imageQueue.run(async () => {
        const info = await inspectImage(originalPath, settings);
        width = info.width;
        height = info.height;
        Object.assign(meta, { width, height, orientation: info.orientation, frames: info.pages, format: info.format, ...(info.shooting ? { shooting: info.shooting } : {}) });
        if (settings.stripLocation && info.hasMetadata && (await images.stripLocation(originalPath, info))) meta.metadataStripped = true;
        variants = await images.makeImageVariants(originalPath, dir, await variantSpecs(settings, detected), { hasAlpha: info.hasAlpha, quality: settings.quality, maxPixels: settings.maxPixels });
      });
    }
    const finalSize = (await stat(originalPath)).size;
    return {
      dir,
      type: detected.type,
      original: { file: originalFile, mime: detected.mime, size: finalSize, width, height, name, sha256: digest },
      variants,
      meta,
      title: titleFromName(name),
    };
  }

  /** Moves a prepared package to its final folder, named by the server; returns paths relative to files/. */
  async function install(pkg: Package): Promise<{ folder: string; original: Media['original']; variants: Record<string, StoredFile> }> {
    const folder = path.join(randomBytes(1).toString('hex'), randomBytes(10).toString('hex'));
    await mkdir(path.dirname(abs(folder)), { recursive: true });
    await rename(pkg.dir, abs(folder));
    const rel = (f: StoredFile) => ({ ...f, file: path.join(folder, f.file) });
    return { folder, original: { ...pkg.original, file: path.join(folder, pkg.original.file) }, variants: Object.fromEntries(Object.entries(pkg.variants).map(([k, v]) => [k, rel(v)])) };
  }

  const folderOf = (m: Media) => path.dirname(m.original.file);

  async function withDiskErrors<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toMediaError(err);
    }
  }

  /** Media whose job waits in the queue, not started yet: asking again (Retry twice) adds nothing. */
  const waiting = new Set<string>();
  function schedule(id: string) {
    if (waiting.has(id)) return;
    waiting.add(id);
    const job = processJob(id).catch((err) => logger.error({ err, mediaId: id }, 'media processing crashed'));
    background.add(job);
    void job.finally(() => background.delete(job));
  }

  /** The size and bitrate past which a video gets a web version even in a web format. */
  const webLimits: WebLimits = { maxWidth: deps.config.media.webVideoMaxWidth, maxBitrate: deps.config.media.webVideoMaxKbps * 1000 };
  /** Each ffmpeg encoding gets its share of the cores, as sharp does: `workers` of them may run at once. */
  const encoderThreads = Math.max(1, Math.floor(os.availableParallelism() / workers));
  /** The address-space caps ffmpeg and ffprobe run under, where prlimit is there to enforce them (0 in the config: none). */
  const avMemoryCaps = (found: MediaTools) => ({
    ffmpeg: memoryCap(found.prlimit.path, deps.config.media.ffmpegMemoryMB, 'media.ffmpegMemoryMB'),
    ffprobe: memoryCap(found.prlimit.path, deps.config.media.ffprobeMemoryMB, 'media.ffprobeMemoryMB'),
  });
  /** Background jobs running, by media id: replacing or deleting the media stops its ffmpeg or pdftoppm. */
  const running = new Map<string, AbortController>();
  const now = () => new Date().toISOString();

  /** The record, unless its file was replaced or the media deleted meanwhile (then nothing is written). */
  async function currentOf(m: Media): Promise<Media | undefined> {
    const c = await store.media.get(m.id);
    return c && c.original.file === m.original.file ? c : undefined;
  }

  async function changed(updated: Media | undefined) {
    if (!updated) return;
    deps.search?.upsert(updated);
    await hooks.runAction('media.updated', updated);
  }

  /**
   * A still (a video's frame, an audio cover, a PDF's first page) made into the `poster` (at the
   * largest box), `medium` and `thumb` derivatives and their WebP twins, next to the original.
   */
  async function posterVariants(m: Media, still: string, settings: MediaSettings): Promise<Record<string, StoredFile>> {
    const specs = await variantSpecs(settings, { type: m.type, mime: m.original.mime }, ['poster', 'medium', 'thumb']);
    const made = await images.makeImageVariants(still, abs(folderOf(m)), specs.map((s) => (s.name === 'poster' ? { ...s, box: settings.boxes.large } : s)), { hasAlpha: false, quality: settings.quality, maxPixels: settings.maxPixels });
    return Object.fromEntries(Object.entries(made).map(([k, v]) => [k, { ...v, file: path.join(folderOf(m), v.file) }]));
  }

  /**
   * An audio's waveform made into the poster's derivatives, or undefined when it could not be drawn
   * (a file ffmpeg decodes only in part, a sound too long for the memory cap): the sound plays all
   * the same, with the placeholder a file without a picture has, so that is a warning, not a failure.
   */
  async function waveformVariants(m: Media, ffmpeg: string, out: string, settings: MediaSettings, options: { memoryCap?: MemoryCap; signal: AbortSignal }): Promise<Record<string, StoredFile> | undefined> {
    try {
      await drawWaveform(ffmpeg, abs(m.original.file), out, options);
      return await posterVariants(m, out, settings);
    } catch (err) {
      if (options.signal.aborted) throw err;
      logger.warn({ mediaId: m.id, reason: (err as Error).message.slice(0, 300) }, 'the waveform of this audio file could not be drawn; it shows none');
      return undefined;
    }
  }

  /**
   * A PDF's preview: its first page rendered by pdftoppm, then the same derivatives as a video's
   * poster. Without pdftoppm the PDF keeps its placeholder (done, not failed: nothing is wrong
   * with it); a PDF pdftoppm cannot open (encrypted, broken) is a failure, with its reason.
   */
  async function previewPdf(m: Media): Promise<void> {
    const id = m.id;
    const attempts = m.processing.attempts + 1;
    await store.media.update(id, { processing: { state: 'processing', attempts, updatedAt: now() } });
    const page = path.join(abs(folderOf(m)), 'page');
    const abort = new AbortController();
    running.set(id, abort);
    try {
      const found = await tools();
      if (!found.pdftoppm.path) {
        logger.info({ mediaId: id, reason: found.pdftoppm.error }, `no PDF preview: pdftoppm is not available; install it with: ${found.pdfHelp}`);
        if (await currentOf(m)) await changed(await store.media.update(id, { processing: { state: 'done', attempts, updatedAt: now() } }));
        return;
      }
      const settings = await readMediaSettings(store);
      const memoryCap = found.prlimit.path ? { prlimit: found.prlimit.path, bytes: PDF_MEMORY_CAP } : undefined;
      const still = await renderFirstPage(found.pdftoppm.path, abs(m.original.file), page, { scaleTo: settings.boxes.large, signal: abort.signal, memoryCap });
      const variants = await posterVariants(m, still, settings);
      if (!(await currentOf(m))) return;
      await changed(await store.media.update(id, { variants, processing: { state: 'done', attempts, updatedAt: now() } }));
    } catch (err) {
      if (abort.signal.aborted) return; // replaced or deleted: its folder is gone, and so is the job
      const failure = failureOf(err, { folder: filesDir });
      logger.warn({ mediaId: id, reason: failure.error, code: failure.reason.code }, 'PDF preview failed');
      if (await currentOf(m)) await store.media.update(id, { processing: { state: 'failed', ...failure, attempts, updatedAt: now() } });
    } finally {
      await rm(`${page}.png`, { force: true });
      if (running.get(id) === abort) running.delete(id);
    }
  }

  /** ffprobe failing on the original (not stopped, not out of memory) could not read it: damaged, or a format it does not know. */
  async function probeOriginal(ffprobe: string, file: string, memoryCap?: MemoryCap) {
    try {
      return await probeAv(ffprobe, file, memoryCap);
    } catch (err) {
      if (!(err instanceof ProcessingError) || err.reason.code !== 'tool_failed') throw err;
      throw restated(err, `ffprobe could not read the file: ${err.message}`, { code: 'unreadable', vars: err.reason.vars });
    }
  }

  /**
   * Whether a web version made before still serves: it fits the limits and its file is there. With
   * `ffprobe` (an HDR video now tone-mapped when encoded), one made without tone mapping, which
   * still says HDR, is made again.
   */
  async function reusable(web: StoredFile, duration: number | undefined, ffprobe: string | undefined, memoryCap?: MemoryCap): Promise<boolean> {
    if (!webVersionFits(web, webLimits, duration) || !(await exists(abs(web.file)))) return false;
    return !ffprobe || !hdrTransfer(await probeAv(ffprobe, abs(web.file), memoryCap));
  }

  /** One media's background job: a PDF's preview, or audio and video's probe, poster and web version. */
  async function processJob(id: string): Promise<void> {
    await queue.run(async () => {
      // Started: a new request from here on (a replaced file, a retry) is a new job.
      waiting.delete(id);
      const m = await store.media.get(id);
      if (!m || !needsProcessing(m)) return;
      if (isPdf(m)) return previewPdf(m);
      const originalFile = m.original.file;
      const attempts = m.processing.attempts + 1;
      const current = () => currentOf(m);
      await store.media.update(id, { processing: { state: 'processing', attempts, updatedAt: now() } });
      const frame = path.join(abs(folderOf(m)), 'frame.jpg');
      const wave = path.join(abs(folderOf(m)), 'waveform.png');
      const abort = new AbortController();
      running.set(id, abort);
      let step: 'web' | undefined;
      /** Whether the original names a place it still holds: unknown until probed, false once removed. */
      let namesPlace: boolean | undefined;
      try {
        const found = await tools();
        if (!found.ffprobe.path) throw missingTool(found.ffprobe);
        const caps = avMemoryCaps(found);
        let probe = await probeOriginal(found.ffprobe.path, abs(originalFile), caps.ffprobe);
        const settings = await readMediaSettings(store);
        namesPlace = probe.hasLocation && settings.stripLocation;
        // Where it was filmed is not the visitors' business: the original loses its location, as images' do.
        if (namesPlace) {
          if (!found.ffmpeg.path) throw missingTool(found.ffmpeg, 'location');
          const clean = abs(originalFile).replace(/(\.[^./]+)?$/, '.clean$1');
          try {
            await copyWithoutMetadata(found.ffmpeg.path, abs(originalFile), clean, caps.ffmpeg);
            if (!(await current())) return;
            await rename(clean, abs(originalFile));
            namesPlace = false;
          } finally {
            await rm(clean, { force: true });
          }
          // The title the file gave stays a suggestion for the media's title.
          probe = { ...(await probeOriginal(found.ffprobe.path, abs(originalFile), caps.ffprobe)), title: probe.title };
        }
        const meta: Record<string, unknown> = { ...withoutPending(m.meta), duration: probe.duration, bitrate: probe.bitrate, width: probe.width, height: probe.height, videoCodec: probe.videoCodec, audioCodec: probe.audioCodec };
        // HDR (a phone's HLG, PQ) shown as SDR looks washed out: its poster and encoded web version are tone-mapped, when this ffmpeg can.
        const transfer = probe.hasVideo ? hdrTransfer(probe) : undefined;
        const canToneMap = Boolean(found.ffmpeg.features?.filters.zscale && found.ffmpeg.features.filters.tonemap);
        const toneMap = transfer && canToneMap ? toneMapFilter({ ...probe, colorTransfer: transfer }) : undefined;
        if (transfer && !canToneMap) logger.warn({ mediaId: id, transfer }, 'HDR video converted without tone mapping (this ffmpeg lacks the zscale or tonemap filter; see kiosque doctor): its poster and web version look washed out');
        let variants: Record<string, StoredFile> = {};
        if (probe.hasPicture) {
          const ffmpeg = found.ffmpeg.path;
          if (!ffmpeg) throw missingTool(found.ffmpeg);
          const at = probe.hasVideo && probe.duration ? Math.min(probe.duration * 0.1, 5) : 0;
          try {
            try {
              await extractPoster(ffmpeg, abs(originalFile), frame, at, { filter: toneMap, memoryCap: caps.ffmpeg });
            } catch (err) {
              if (!toneMap) throw err;
              logger.warn({ mediaId: id, reason: (err as Error).message.slice(0, 300) }, 'tone mapping the HDR video failed; its poster is taken without it (washed out)');
              await extractPoster(ffmpeg, abs(originalFile), frame, at, { memoryCap: caps.ffmpeg });
            }
            variants = await posterVariants(m, frame, settings);
          } catch (err) {
            if (!pictureUndecodable(err)) throw err;
            // A damaged cover does not stop the sound: the audio goes on without one.
            if (!probe.hasVideo) logger.warn({ mediaId: id, reason: (err as Error).message.slice(0, 300) }, 'the cover of this audio file could not be decoded; it has none');
            else if (err instanceof ProcessingError && err.reason.code === 'tool_failed') throw restated(err, `ffmpeg could not decode the video's picture: ${err.message}`, { code: 'unreadable', vars: err.reason.vars });
            else throw err;
          }
        }
        // Sound without a cover (an audio file, or a recording saved as a video) shows its waveform instead.
        const waveform = !probe.hasVideo && probe.audioCodec && Object.keys(variants).length === 0 && found.ffmpeg.path ? await waveformVariants(m, found.ffmpeg.path, wave, settings, { memoryCap: caps.ffmpeg, signal: abort.signal }) : undefined;
        if (waveform) {
          variants = waveform;
          meta.waveform = true;
        } else {
          delete meta.waveform;
        }
        const before = await current();
        if (!before) return;
        // Audio files keep their cover out of it: only a real video stream makes a video.
        const hasVideo = m.type === 'video' && probe.hasVideo;
        // Sound alone in a video container (a recording saved as MP4 or WebM) is audio: its page plays it as such.
        const type = m.type === 'video' && !probe.hasVideo && probe.audioCodec ? 'audio' : m.type;
        const { playable, reasons, method } = webPlayability({ ...probe, hasVideo, mime: m.original.mime }, webLimits);
        // A web version made before is kept while it is still needed and still fits (a retry, media:regenerate).
        const previous = before.variants[WEB_VARIANT];
        const kept = !playable && previous && (await reusable(previous, probe.duration, toneMap && method === 'encode' ? found.ffprobe.path : undefined, caps.ffprobe)) ? previous : undefined;
        if (previous && !kept) await rm(abs(previous.file), { force: true });
        const makeWeb = !playable && !kept;
        const title = before.title === titleFromName(before.original.name) && probe.title ? probe.title : before.title;
        // The poster shows at once; the web version (minutes for a long video) comes after it.
        await changed(
          await store.media.update(id, {
            type,
            title,
            meta,
            variants: kept ? { ...variants, [WEB_VARIANT]: kept } : variants,
            original: { ...before.original, width: probe.width, height: probe.height, size: (await stat(abs(originalFile))).size },
            processing: makeWeb ? { state: 'processing', step: 'web', attempts, updatedAt: now() } : { state: 'done', attempts, updatedAt: now() },
          }),
        );
        if (!makeWeb) return;
        step = 'web';
        if (!found.ffmpeg.path) throw missingTool(found.ffmpeg);
        logger.info({ mediaId: id, reasons, method }, 'making a web version');
        const { file: web, ...how } = await makeWebVersion({ ffmpeg: found.ffmpeg.path, ffprobe: found.ffprobe.path }, abs(originalFile), abs(folderOf(m)), { hasVideo, method: method ?? 'encode', duration: probe.duration, limits: webLimits, threads: encoderThreads, toneMap, signal: abort.signal, logger: logger.child({ mediaId: id }), memoryCaps: caps });
        logger.info({ mediaId: id, ...how }, 'web version made');
        const after = await current();
        if (!after) return;
        await changed(await store.media.update(id, { variants: { ...after.variants, [WEB_VARIANT]: { ...web, file: path.join(folderOf(m), web.file) } }, processing: { state: 'done', attempts, updatedAt: now() } }));
      } catch (err) {
        if (abort.signal.aborted) return; // replaced or deleted: its folder is gone, and so is the job
        const failure = failureOf(err, { folder: filesDir });
        logger.warn({ mediaId: id, step, reason: failure.error, code: failure.reason.code }, 'media processing failed');
        const failed = await current();
        // Served from now on as it is, unless it is known to name a place it still holds (ffmpeg missing or failing to remove it).
        const release = failed?.meta[LOCATION_PENDING] && !namesPlace ? { meta: withoutPending(failed.meta) } : {};
        if (failed) await store.media.update(id, { ...release, processing: { state: 'failed', step, ...failure, attempts, updatedAt: now() } });
      } finally {
        await rm(frame, { force: true });
        await rm(wave, { force: true });
        if (running.get(id) === abort) running.delete(id);
      }
    });
  }

  /** Stops the ffmpeg or pdftoppm working on a media whose file goes away. */
  function stopRunning(id: string) {
    running.get(id)?.abort();
  }

  /** Waits for background processing (tests, shutdown). */
  async function idle(): Promise<void> {
    while (background.size) await Promise.allSettled([...background]);
    await queue.idle();
  }

  async function update(id: string, fields: MediaFields, publishedAt?: string): Promise<Media | undefined> {
    const m = await store.media.get(id);
    if (!m) return undefined;
    const now = new Date(clock()).toISOString();
    const { publishAt, ...rest } = fields;
    const patch: Partial<Media> = { ...rest, updatedAt: now };
    if (fields.title && fields.title !== m.title) patch.slug = slugify(fields.title);
    if (publishedAt) patch.publishedAt = publishedAt;
    else if (fields.status === 'published' && !m.publishedAt) patch.publishedAt = now;
    // A published media waits for nothing: publishing by hand cancels its schedule.
    const status = fields.status ?? m.status;
    if (status === 'published' || publishAt === null) {
      if (m.publishAt) patch.publishAt = undefined;
    } else if (publishAt) patch.publishAt = publishAt;
    const updated = await store.media.update(id, patch);
    if (updated) {
      deps.search?.upsert(updated);
      await hooks.runAction('media.updated', updated);
    }
    return updated;
  }

  return {
    store,
    filesDir,
    abs,
    queue,
    imageQueue,
    tools,
    canSee,
    canEdit,

    /** Another media whose original had the same content when uploaded (an upload made twice), if any: the oldest. */
    async sameContentAs(m: Media): Promise<Media | undefined> {
      return (await contents.holders(m.original.sha256)).find((other) => other.id !== m.id);
    },

    /** Turns an uploaded temp file into a media item. Throws MediaError (nothing stored) on bad input. */
    async create(tempFile: string, rawName: string, fields: MediaFields, user: Actor): Promise<Media> {
      const pkg = await withDiskErrors(() => prepare(tempFile, rawName, user));
      const settings = await readMediaSettings(store);
      const installed = await withDiskErrors(() => install(pkg));
      const now = new Date(clock()).toISOString();
      const status = fields.status ?? 'draft';
      const title = fields.title ?? pkg.title;
      let media: Media;
      try {
        media = await store.media.create({
          slug: slugify(title),
          type: pkg.type,
          status,
          title,
          description: fields.description ?? '',
          sectorId: fields.sectorId ?? null,
          keywordIds: fields.keywordIds ?? [],
          licence: fields.licence ?? settings.defaultLicence,
          authorId: user.id,
          createdAt: now,
          updatedAt: now,
          publishedAt: status === 'published' ? now : null,
          ...(status === 'draft' && fields.publishAt ? { publishAt: fields.publishAt } : {}),
          views: 0,
          original: installed.original,
          variants: installed.variants,
          meta: pkg.meta,
          processing: needsProcessing(pkg) ? { state: 'waiting', attempts: 0, updatedAt: now } : { state: 'done', attempts: 1, updatedAt: now },
        });
      } catch (err) {
        await rm(abs(installed.folder), { recursive: true, force: true });
        throw toMediaError(err);
      }
      deps.search?.upsert(media);
      await hooks.runAction('media.created', media);
      if (needsProcessing(media)) schedule(media.id);
      return media;
    },

    async update(id: string, fields: MediaFields): Promise<Media | undefined> {
      return update(id, fields);
    },

    /**
     * Publishes a draft whose scheduled time has come (core/media/scheduler.ts), as a publication
     * by hand would: its publication date is the time it was scheduled for, and the schedule goes.
     * Undefined when it is gone, no longer a draft, or no longer due (changed meanwhile).
     */
    async publishScheduled(id: string): Promise<Media | undefined> {
      const m = await store.media.get(id);
      if (!m || m.status !== 'draft' || !m.publishAt || Date.parse(m.publishAt) > clock()) return undefined;
      return update(id, { status: 'published' }, m.publishAt);
    },

    /** The service's clock (epoch ms): forms check a publication time against it. */
    now: clock,

    /** Replaces the file of a media item (same checks as an upload; the type may change). */
    async replace(id: string, tempFile: string, rawName: string, user: Actor): Promise<Media | undefined> {
      const m = await store.media.get(id);
      if (!m) return undefined;
      const pkg = await withDiskErrors(() => prepare(tempFile, rawName, user));
      const installed = await withDiskErrors(() => install(pkg));
      const now = new Date().toISOString();
      // Subtitles and transcripts belong to a recording: a new cut keeps them, a picture or a document does not.
      const dropTracks = !takesTracks(pkg.type) && !!m.tracks?.length;
      const updated = await store.media.update(id, {
        type: pkg.type,
        original: installed.original,
        variants: installed.variants,
        meta: pkg.meta,
        ...(dropTracks ? { tracks: [] } : {}),
        updatedAt: now,
        processing: needsProcessing(pkg) ? { state: 'waiting', attempts: 0, updatedAt: now } : { state: 'done', attempts: 1, updatedAt: now },
      });
      if (!updated) {
        await rm(abs(installed.folder), { recursive: true, force: true });
        return undefined;
      }
      stopRunning(id);
      await rm(abs(folderOf(m)), { recursive: true, force: true });
      if (dropTracks) await rm(abs(trackFolder(id)), { recursive: true, force: true });
      deps.search?.upsert(updated);
      await hooks.runAction('media.updated', updated);
      if (needsProcessing(updated)) schedule(id);
      return updated;
    },

    async remove(id: string): Promise<boolean> {
      const m = await store.media.get(id);
      if (!m) return false;
      await store.media.delete(id);
      // The record is gone: search and plugins learn it whatever happens to the files.
      deps.search?.remove(id);
      await hooks.runAction('media.deleted', m);
      stopRunning(id);
      // Files left behind (a busy or read-only disk) are served by nobody, since /files answers
      // from the record; the deletion stands, and the log names the folder to clear by hand.
      for (const folder of [folderOf(m), ...(m.tracks?.length ? [trackFolder(id)] : [])]) {
        await rm(abs(folder), { recursive: true, force: true }).catch((err: unknown) => logger.error({ err, mediaId: id, folder }, 'media deleted, but its files could not be removed'));
      }
      return true;
    },

    /**
     * Adds a video's subtitles or captions, or a sound's transcript, in one language from an
     * uploaded file (WebVTT or SubRip, see toWebVtt), replacing the track of that kind and language
     * if there was one. Throws MediaError (nothing changed) on a file that is not subtitles, or on a
     * media that is neither audio nor video.
     */
    async setTrack(id: string, kind: TrackKind, lang: string, content: Buffer): Promise<Media | undefined> {
      const m = await store.media.get(id);
      if (!m) return undefined;
      if (!takesTracks(m.type)) throw new MediaError('track_not_timed', 400, 'track');
      const vtt = Buffer.from(toWebVtt(content), 'utf8');
      const track: TextTrack = { kind, lang, file: { file: `${trackFolder(id)}/${trackName({ kind, lang })}.vtt`, mime: 'text/vtt', size: vtt.length } };
      await withDiskErrors(async () => {
        await mkdir(abs(trackFolder(id)), { recursive: true });
        const tmp = `${abs(track.file.file)}.${randomBytes(4).toString('hex')}.tmp`;
        await writeFile(tmp, vtt);
        await rename(tmp, abs(track.file.file));
      });
      const tracks = [...(m.tracks ?? []).filter((t) => t.kind !== kind || t.lang !== lang), track].sort((a, b) => a.lang.localeCompare(b.lang) || a.kind.localeCompare(b.kind));
      const updated = await store.media.update(id, { tracks, updatedAt: new Date().toISOString() });
      if (updated) await hooks.runAction('media.updated', updated);
      return updated;
    },

    /** The text of one of a media's tracks (WebVTT, as setTrack wrote it). */
    readTrack(track: TextTrack): Promise<string> {
      return readFile(abs(track.file.file), 'utf8');
    },

    /** Removes a track of that kind and language (its file too); false when it had none. */
    async removeTrack(id: string, kind: TrackKind, lang: string): Promise<boolean> {
      const m = await store.media.get(id);
      const track = m?.tracks?.find((t) => t.kind === kind && t.lang === lang);
      if (!m || !track) return false;
      const updated = await store.media.update(id, { tracks: m.tracks!.filter((t) => t !== track), updatedAt: new Date().toISOString() });
      await rm(abs(track.file.file), { force: true }).catch((err: unknown) => logger.error({ err, mediaId: id, file: track.file.file }, 'track removed, but its file could not be'));
      if (updated) await hooks.runAction('media.updated', updated);
      return true;
    },

    /** Queues audio/video processing or a PDF's preview again (retry button, or items left waiting by a restart). */
    async retry(id: string): Promise<boolean> {
      const m = await store.media.get(id);
      if (!m || !needsProcessing(m)) return false;
      await store.media.update(id, { processing: { ...m.processing, state: 'waiting', step: undefined, error: undefined, reason: undefined, output: undefined, updatedAt: new Date().toISOString() } });
      schedule(id);
      return true;
    },

    /** Re-queues what a previous run left waiting or processing. */
    async resume(): Promise<number> {
      const pending = (await store.media.list()).filter((m) => needsProcessing(m) && (m.processing.state === 'waiting' || m.processing.state === 'processing'));
      for (const m of pending) schedule(m.id);
      return pending.length;
    },

    /** Rebuilds the derivatives of one item (after the size settings changed; a PDF's missing preview). */
    async regenerate(id: string): Promise<Media | undefined> {
      const m = await store.media.get(id);
      if (!m) return undefined;
      if (m.type !== 'image') {
        if (needsProcessing(m)) await processJob(id);
        return store.media.get(id);
      }
      const settings = await readMediaSettings(store);
      const dir = abs(folderOf(m));
      const made = await images.makeImageVariants(abs(m.original.file), dir, await variantSpecs(settings, { type: m.type, mime: m.original.mime }), { hasAlpha: m.original.mime === 'image/png' || m.original.mime === 'image/gif' || m.original.mime === 'image/webp' ? (await sharp(abs(m.original.file)).metadata()).hasAlpha === true : false, quality: settings.quality, maxPixels: settings.maxPixels });
      const variants = Object.fromEntries(Object.entries(made).map(([k, v]) => [k, { ...v, file: path.join(folderOf(m), v.file) }]));
      for (const [k, v] of Object.entries(m.variants)) if (!variants[k] && v.file !== m.original.file) await unlink(abs(v.file)).catch(() => {});
      return store.media.update(id, { variants, updatedAt: new Date().toISOString() });
    },

    idle,

    /** Waits for background processing, then ends the image process. */
    async close(): Promise<void> {
      await idle();
      await images.close();
    },
  };
}

export type MediaService = ReturnType<typeof createMediaService>;
