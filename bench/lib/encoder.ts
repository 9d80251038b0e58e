import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runTool } from '../../core/media/av.ts';

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
