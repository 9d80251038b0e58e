import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import sharp from 'sharp';
import { runTool, TOOL_NICENESS } from '../../core/media/av.ts';
import { createImageProcess } from '../../core/media/image-process.ts';
import { mediaSettingsDefaults } from '../../core/media/settings.ts';

/** What runs in the background while visitors are served: a video's encoding, or a batch of photos. */
export type BackgroundWork = 'video' | 'photos';

/** `lowered`: as the app runs its media tools (runTool, below the server's CPU priority); `server`: at the server's own priority. */
export type EncodePriority = 'lowered' | 'server';

export interface EncodingRun {
  /** Frames encoded and seconds it ran: the encoding's own progress while visitors were served. */
  frames: number;
  seconds: number;
  /** Why ffmpeg stopped before it was told to (missing, failed). */
  error?: string;
}

/**
 * A video encoding in the background, as when an editor uploads a video and its web version is made:
 * 1080p H.264 on every core (the share of one job), from a generated picture, until stopped.
 */
export async function startEncoding(ffmpeg: string, priority: EncodePriority): Promise<{ stop(): Promise<EncodingRun> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kiosque-bench-encode-'));
  const progress = path.join(dir, 'progress.txt');
  const args = ['-v', 'error', '-nostdin', '-f', 'lavfi', '-i', 'testsrc=size=1920x1080:rate=30', '-c:v', 'libx264', '-preset', 'veryfast', '-threads', String(os.availableParallelism()), '-progress', progress, '-stats_period', '0.25', '-f', 'null', '-'];
  const abort = new AbortController();
  const started = performance.now();
  let error: string | undefined;
  const running =
    priority === 'lowered'
      ? runTool(ffmpeg, args, { timeoutMs: 3_600_000, signal: abort.signal })
      : new Promise((resolve, reject) => execFile(ffmpeg, args, { signal: abort.signal, killSignal: 'SIGKILL', maxBuffer: 8 * 1024 * 1024 }, (err) => (err ? reject(err) : resolve(undefined))));
  const done = running.then(
    () => undefined,
    (err: Error) => void (err.name === 'AbortError' || (error = err.message)),
  );
  return {
    async stop() {
      const seconds = (performance.now() - started) / 1000;
      abort.abort();
      await done;
      const text = await readFile(progress, 'utf8').catch(() => '');
      const frames = Number([...text.matchAll(/^frame=(\d+)/gm)].at(-1)?.[1] ?? 0);
      await rm(dir, { recursive: true, force: true });
      return { frames, seconds, ...(error ? { error } : {}) };
    },
  };
}

/**
 * Photos processed in the background, as when an editor uploads a batch: each core's share of the
 * image process makes a 4000×3000 JPEG's derivatives (thumb, medium, large, with WebP twins), one
 * after the other, until stopped. `lowered` as the app runs it (the image process below the server's
 * CPU priority); `server` the same process at the server's priority, as sharp ran in the server's
 * own process before. `frames` counts the photos made.
 */
export async function startPhotoWork(priority: EncodePriority): Promise<{ stop(): Promise<EncodingRun> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kiosque-bench-photos-'));
  const input = path.join(dir, 'photo.jpg');
  await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg({ quality: 90 }).toFile(input);
  const workers = os.availableParallelism();
  const images = createImageProcess({ logger: pino({ level: 'warn' }), niceness: priority === 'lowered' ? TOOL_NICENESS : 0, sharpConcurrency: 1 });
  const boxes = mediaSettingsDefaults.boxes;
  const specs = [
    { name: 'thumb', box: boxes.thumb },
    { name: 'medium', box: boxes.medium },
    { name: 'large', box: boxes.large },
  ];
  let stopping = false;
  let made = 0;
  let error: string | undefined;
  const started = performance.now();
  const loops = Array.from({ length: workers }, async (_, i) => {
    const out = path.join(dir, `out-${i}`);
    await mkdir(out);
    while (!stopping) {
      await images.makeImageVariants(input, out, specs, { hasAlpha: false, quality: mediaSettingsDefaults.quality, maxPixels: mediaSettingsDefaults.maxPixels });
      made++;
    }
  });
  const done = Promise.all(loops).catch((err: Error) => void (stopping || (error = err.message)));
  return {
    async stop() {
      const seconds = (performance.now() - started) / 1000;
      stopping = true;
      await done;
      await images.close();
      await rm(dir, { recursive: true, force: true });
      return { frames: made, seconds, ...(error ? { error } : {}) };
    },
  };
}
