import type { Logger } from 'pino';
import { onStoreChange, type Media, type Store } from '../store/index.ts';

/** Node's setTimeout fires at once past this delay (2^31−1 ms, about 24.8 days): longer waits are cut into such steps. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** How long a publication that failed waits before it is tried again. */
export const RETRY_MS = 60_000;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const nodeTimers: Timers = {
  // A schedule alone keeps no process alive (the server's socket does): a test or a tool that forgets to stop it still exits.
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SchedulerDeps {
  store: Store;
  /** Publishes one due draft (the media service's publishScheduled, so that everything sees a normal publication). */
  publish(id: string): Promise<unknown>;
  logger: Logger;
  /** Epoch ms; Date.now by default. */
  now?: () => number;
  timers?: Timers;
  retryMs?: number;
}

export interface PublicationScheduler {
  /** Reads the schedules from the store, publishes the overdue ones (the server was down at their time), and arms the timer. */
  start(): Promise<void>;
  /** Stops the timer and the store listening; waits for a publication under way. */
  stop(): Promise<void>;
  /** Resolves once the schedule changes read so far and any publication under way are done (tests). */
  idle(): Promise<void>;
  /** The scheduled drafts (id → epoch ms) as the scheduler knows them. */
  readonly pending: ReadonlyMap<string, number>;
}

const scheduledAt = (m: Media | undefined): number | undefined => {
  if (!m || m.status !== 'draft' || !m.publishAt) return undefined;
  const at = Date.parse(m.publishAt);
  return Number.isNaN(at) ? undefined : at;
};

/**
 * Publishes drafts at their `publishAt` time. It keeps the scheduled drafts in memory (read once at
 * start, then kept current from the store's change feed, whoever writes) and one timer, for the
 * soonest; each change of a schedule, or a deletion, arms it again. A publication that fails is
 * logged and tried again after `retryMs`; the others go on.
 */
export function createPublicationScheduler(deps: SchedulerDeps): PublicationScheduler {
  const { store, logger } = deps;
  const now = deps.now ?? Date.now;
  const timers = deps.timers ?? nodeTimers;
  const retryMs = deps.retryMs ?? RETRY_MS;
  const due = new Map<string, number>();
  let timer: unknown;
  let running: Promise<void> | undefined;
  const reading = new Set<Promise<void>>();
  let stopped = false;
  let unsubscribe: (() => void) | undefined;

  function arm() {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    if (stopped || running) return;
    let next = Infinity;
    for (const at of due.values()) if (at < next) next = at;
    if (next === Infinity) return;
    timer = timers.setTimeout(() => {
      timer = undefined;
      void run();
    }, Math.min(Math.max(0, next - now()), MAX_TIMER_MS));
  }

  async function publishDue() {
    const t = now();
    const ready = [...due].filter(([, at]) => at <= t).sort((a, b) => a[1] - b[1]);
    for (const [id] of ready) {
      if (stopped) return;
      try {
        await deps.publish(id);
        // Published, or no longer a due draft (the feed has told us, or will): either way not ours now.
        if (due.get(id) !== undefined && due.get(id)! <= t) due.delete(id);
      } catch (err) {
        logger.error({ err, mediaId: id }, 'scheduled publication failed; it will be tried again');
        due.set(id, now() + retryMs);
      }
    }
  }

  async function run() {
    if (running || stopped) return;
    running = publishDue();
    try {
      await running;
    } finally {
      running = undefined;
      arm();
    }
  }

  /** Re-reads the records a write named: a schedule set, moved or cleared, a media published or deleted. */
  function reread(ids: readonly string[]) {
    const job = store.media.getMany(ids).then(
      (found) => {
        const byId = new Map(found.map((m) => [m.id, m]));
        for (const id of ids) {
          const at = scheduledAt(byId.get(id));
          if (at === undefined) due.delete(id);
          else due.set(id, at);
        }
        arm();
      },
      (err: unknown) => logger.error({ err }, 'could not read the changed media for their publication schedule'),
    );
    reading.add(job);
    void job.finally(() => reading.delete(job));
  }

  return {
    pending: due,
    async start() {
      stopped = false;
      unsubscribe = onStoreChange(store, (area, ids) => {
        if (area === 'media' && ids.length && !stopped) reread(ids);
      });
      for (const m of await store.media.list()) {
        const at = scheduledAt(m);
        if (at !== undefined) due.set(m.id, at);
      }
      if (due.size) logger.info({ scheduled: due.size }, 'scheduled publications');
      await run();
    },
    async stop() {
      stopped = true;
      unsubscribe?.();
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
      await running;
      await Promise.allSettled([...reading]);
    },
    async idle() {
      while (reading.size || running) {
        await Promise.allSettled([...reading]);
        await running;
      }
    },
  };
}
