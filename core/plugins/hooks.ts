import type { Logger } from 'pino';

/**
 * The hook names core offers. Filters transform a value (and may be chained by priority, lowest
 * first); actions are notified. A name not listed here is refused at registration.
 */
export const filterNames = ['access', 'robots.txt', 'page.context', 'admin.menu', 'search.query', 'search.results', 'media.accept', 'media.variants'] as const;
export const actionNames = ['media.created', 'media.updated', 'media.deleted', 'plugin.enabled', 'plugin.disabled', 'settings.changed'] as const;

export type FilterName = (typeof filterNames)[number];
export type ActionName = (typeof actionNames)[number];

export type FilterFn = (value: unknown, ...args: unknown[]) => unknown;
export type ActionFn = (...args: unknown[]) => unknown;

interface Registered<F> {
  fn: F;
  priority: number;
  owner: string;
  seq: number;
}

export class UnknownHookError extends Error {
  constructor(kind: 'filter' | 'action', name: string) {
    super(`Unknown ${kind} hook "${name}". Known ${kind}s: ${(kind === 'filter' ? filterNames : actionNames).join(', ')}`);
    this.name = 'UnknownHookError';
  }
}

export interface Hooks {
  /** Registers a filter; returns its undo. */
  filter(name: string, fn: FilterFn, options: { owner: string; priority?: number }): () => void;
  action(name: string, fn: ActionFn, options: { owner: string }): () => void;
  /** Runs the filters in priority order. A filter that throws is logged and its input kept. */
  applyFilter<T>(name: FilterName, value: T, ...args: unknown[]): Promise<T>;
  /** Like applyFilter, but a filter that throws makes the whole call throw (used by `access`, where an error means deny). */
  applyFilterStrict<T>(name: FilterName, value: T, ...args: unknown[]): Promise<T>;
  has(name: FilterName | ActionName): boolean;
  /** Runs every action; one that throws is logged and the others still run. */
  runAction(name: ActionName, ...args: unknown[]): Promise<void>;
  /** A counter bumped on every registration change (used to invalidate caches). */
  readonly version: number;
}

/** Told of every filter or action that threw, with the plugin that registered it. */
export type HookFailure = (owner: string, kind: 'filter' | 'action', hook: FilterName | ActionName, err: unknown) => void;

export function createHooks(logger: Logger, onFailure?: HookFailure): Hooks {
  const filters = new Map<string, Registered<FilterFn>[]>();
  const actions = new Map<string, Registered<ActionFn>[]>();
  let seq = 0;
  let version = 0;

  function add<F>(map: Map<string, Registered<F>[]>, name: string, entry: Registered<F>): () => void {
    const list = [...(map.get(name) ?? []), entry].sort((a, b) => a.priority - b.priority || a.seq - b.seq);
    map.set(name, list);
    version++;
    return () => {
      const current = map.get(name) ?? [];
      map.set(name, current.filter((e) => e !== entry));
      version++;
    };
  }

  async function run<T>(name: FilterName, value: T, args: unknown[], strict: boolean): Promise<T> {
    let current = value;
    for (const entry of filters.get(name) ?? []) {
      try {
        current = (await entry.fn(current, ...args)) as T;
      } catch (err) {
        logger.error({ err, hook: name, plugin: entry.owner }, 'filter failed');
        onFailure?.(entry.owner, 'filter', name, err);
        if (strict) throw err;
      }
    }
    return current;
  }

  return {
    filter(name, fn, { owner, priority = 10 }) {
      if (!(filterNames as readonly string[]).includes(name)) throw new UnknownHookError('filter', name);
      if (typeof fn !== 'function') throw new TypeError(`filter "${name}" needs a function`);
      return add(filters, name, { fn, priority, owner, seq: seq++ });
    },
    action(name, fn, { owner }) {
      if (!(actionNames as readonly string[]).includes(name)) throw new UnknownHookError('action', name);
      if (typeof fn !== 'function') throw new TypeError(`action "${name}" needs a function`);
      return add(actions, name, { fn, priority: 10, owner, seq: seq++ });
    },
    applyFilter: (name, value, ...args) => run(name, value, args, false),
    applyFilterStrict: (name, value, ...args) => run(name, value, args, true),
    has: (name) => (filters.get(name)?.length ?? 0) > 0 || (actions.get(name)?.length ?? 0) > 0,
    async runAction(name, ...args) {
      for (const entry of actions.get(name) ?? []) {
        try {
          await entry.fn(...args);
        } catch (err) {
          logger.error({ err, hook: name, plugin: entry.owner }, 'action failed');
          onFailure?.(entry.owner, 'action', name, err);
        }
      }
    },
    get version() {
      return version;
    },
  };
}
