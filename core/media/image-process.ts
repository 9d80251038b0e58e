import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { StoredFile } from '../store/index.ts';
import { MediaError } from './errors.ts';
import { lowerPriority } from './av.ts';
import type { makeImageVariants, stripLocation } from './images.ts';

/** A job for the image process: which of images.ts's functions, with its arguments. */
export type ImageJob = { id: number } & ({ op: 'variants'; args: Parameters<typeof makeImageVariants> } | { op: 'strip'; args: Parameters<typeof stripLocation> });

export type ImageReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { message: string; code?: string; media?: { code: string; status: number; field?: string; vars?: Record<string, unknown> } } };

export interface ImageProcess {
  makeImageVariants(...args: Parameters<typeof makeImageVariants>): Promise<Record<string, StoredFile>>;
  stripLocation(...args: Parameters<typeof stripLocation>): ReturnType<typeof stripLocation>;
  /** The process's id while it runs (started by the first job), for tests and logs. */
  readonly pid: number | undefined;
  /** Ends the process; jobs still running fail. */
  close(): Promise<void>;
}

/** Node's arguments to run a TypeScript entry point: through tsx's loader when it is installed (Kiosque runs on it). */
function nodeArgs(script: URL): string[] {
  let tsx: string | null;
  try {
    tsx = import.meta.resolve('tsx');
  } catch {
    tsx = null;
  }
  return [...(tsx ? ['--import', tsx] : []), fileURLToPath(script)];
}

/** Whether the process (both its handle and its IPC channel) keeps the event loop alive. */
function hold(child: ChildProcess, on: boolean): void {
  const channel = child.channel as { ref(): void; unref(): void } | null | undefined;
  if (on) {
    child.ref();
    channel?.ref();
  } else {
    child.unref();
    channel?.unref();
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && existsSync(path.join(dir, command)));
}

/**
 * Image derivatives and location stripping in a child process, `niceness` steps below the server's
 * CPU priority, as ffmpeg runs (see TOOL_NICENESS in av.ts). In the server's process, sharp's
 * threads took the cores from visitors while editors uploaded photos. The child is started under
 * `nice` (coreutils), so every thread it ever makes has the lower priority; where `nice` is missing,
 * node is started directly and lowered as soon as it exists. Started by the first job, started
 * again after a crash; a job whose process died fails with an error (the upload answers it).
 */
export function createImageProcess(deps: { logger: Logger; niceness: number; sharpConcurrency: number; script?: URL }): ImageProcess {
  const script = deps.script ?? new URL('./image-child.ts', import.meta.url);
  let child: ChildProcess | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const niceness = Math.max(0, Math.min(19, deps.niceness));
  let withNice: boolean | undefined;

  function failAll(reason: string) {
    for (const [id, { reject }] of pending) {
      pending.delete(id);
      reject(new Error(`image process ${reason}`));
    }
  }

  function start(): ChildProcess {
    const args = nodeArgs(script);
    const options: SpawnOptions = { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, KIOSQUE_SHARP_CONCURRENCY: String(deps.sharpConcurrency) } };
    withNice ??= niceness > 0 && onPath('nice');
    const started = withNice ? spawn('nice', ['-n', String(niceness), process.execPath, ...args], options) : spawn(process.execPath, args, options);
    if (niceness && !withNice) lowerPriority(started.pid, niceness);
    started.on('message', (reply: ImageReply) => {
      const job = pending.get(reply.id);
      if (!job) return;
      pending.delete(reply.id);
      if (reply.ok) return job.resolve(reply.result);
      const { media, message, code } = reply.error;
      job.reject(media ? new MediaError(media.code, media.status, media.field, media.vars) : Object.assign(new Error(message), code ? { code } : {}));
    });
    started.on('error', (err) => {
      if (child === started) child = undefined;
      deps.logger.error({ err }, 'image process failed');
      failAll(`failed: ${err.message}`);
    });
    started.on('exit', (code, signal) => {
      if (child === started) child = undefined;
      if (pending.size) deps.logger.error({ code, signal }, 'image process exited with jobs running');
      failAll(`exited (${signal ?? code})`);
    });
    // Idle, it keeps nothing running (a CLI command, a test).
    hold(started, false);
    return started;
  }

  function send<T>(job: Omit<ImageJob, 'id'>): Promise<T> {
    child ??= start();
    const id = nextId++;
    const running = child;
    const message = { ...job, id } as ImageJob;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      // While a job runs, the process keeps the event loop alive, as any pending I/O does.
      hold(running, true);
      running.send(message, (err) => {
        if (err && pending.delete(id)) reject(err);
      });
    }).finally(() => {
      if (!pending.size) hold(running, false);
    });
  }

  return {
    makeImageVariants: (...args) => send({ op: 'variants', args }),
    stripLocation: (...args) => send({ op: 'strip', args }),
    get pid() {
      return child?.pid;
    },
    async close() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      hold(running, true);
      running.kill('SIGTERM');
      await exited;
    },
  };
}
