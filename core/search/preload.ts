import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Media } from '../store/index.ts';
import type { TextIndexPart } from './text-index.ts';
import type { TextWorkerMessage } from './text-index-worker.ts';

/** What the preload hands the index: the records it was fed (in order) and their text index. */
export interface PreloadedText {
  records: readonly Media[];
  part: TextIndexPart;
}

/**
 * Builds the text half of the search index (tokenising every title and description: about two
 * thirds of the index's build) in a worker thread while the store is still reading its files:
 * pass `feed` as openLowdbStore's `onMediaLoaded`, then the search service's first build takes
 * `result()`. At 100,000 media this takes start-up from load + index to roughly load + a third.
 *
 * The index uses the result only when it is about the very records it indexes (same objects, same
 * order: the store replaces a record's object on every write); anything else, or a worker that
 * cannot start or fails, and the index is built in the main thread as before.
 */
export interface SearchPreload {
  feed(batch: readonly Media[]): void;
  /** Everything fed so far, indexed; null when the worker failed. Call once. */
  result(): Promise<PreloadedText | null>;
}

/** Worker code that loads a TypeScript module: through tsx's loader when tsx is installed (Kiosque runs on it). */
function bootCode(moduleUrl: URL): string {
  let tsxApi: string | null;
  try {
    tsxApi = import.meta.resolve('tsx/esm/api');
  } catch {
    tsxApi = null;
  }
  const target = JSON.stringify(moduleUrl.href);
  return tsxApi ? `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${target}); });` : `import(${target});`;
}

export function startSearchPreload(deps: { logger: Logger; workerUrl?: URL }): SearchPreload {
  const records: Media[] = [];
  let worker: Worker | null = null;
  let failure: string | null = null;
  let answer: Promise<TextIndexPart | null> = Promise.resolve(null);
  try {
    const started = new Worker(bootCode(deps.workerUrl ?? new URL('./text-index-worker.ts', import.meta.url)), { eval: true });
    started.unref();
    worker = started;
    answer = new Promise((resolve) => {
      started.once('message', (part: TextIndexPart) => resolve(part));
      started.once('error', (err) => {
        failure = err.message;
        resolve(null);
      });
      started.once('exit', () => resolve(null));
    });
  } catch (err) {
    failure = (err as Error).message;
  }
  const post = (message: TextWorkerMessage) => worker?.postMessage(message);

  return {
    feed(batch) {
      if (!worker || failure) return;
      for (const m of batch) records.push(m);
      post({ kind: 'batch', titles: batch.map((m) => m.title), descriptions: batch.map((m) => m.description) });
    },
    async result() {
      post({ kind: 'finish' });
      const part = await answer;
      void worker?.terminate();
      if (!part || part.count !== records.length) {
        deps.logger.warn({ reason: failure ?? 'the worker gave no result' }, 'search index: building the text index in the main thread');
        return null;
      }
      return { records, part };
    },
  };
}
