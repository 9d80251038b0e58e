/** A bounded work queue: at most `concurrency` jobs run at once, the rest wait in order. */
export interface WorkQueue {
  run<T>(job: () => Promise<T>): Promise<T>;
  readonly running: number;
  readonly waiting: number;
  /** Resolves when nothing runs or waits. */
  idle(): Promise<void>;
}

export function createQueue(concurrency: number): WorkQueue {
  const limit = Math.max(1, concurrency);
  const waiting: Array<() => void> = [];
  let running = 0;
  let idleWaiters: Array<() => void> = [];

  const settle = () => {
    running--;
    const next = waiting.shift();
    if (next) next();
    else if (running === 0) {
      for (const w of idleWaiters) w();
      idleWaiters = [];
    }
  };

  return {
    async run<T>(job: () => Promise<T>): Promise<T> {
      if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      running++;
      try {
        return await job();
      } finally {
        settle();
      }
    },
    get running() {
      return running;
    },
    get waiting() {
      return waiting.length;
    },
    idle() {
      if (running === 0 && waiting.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
