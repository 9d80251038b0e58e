import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import type { Logger } from 'pino';
import type { PluginInfo, RuntimeFailure } from './manager.ts';

export interface StrayErrorDeps {
  plugins: {
    list(): PluginInfo[];
    reportFailure(id: string, kind: RuntimeFailure['kind'], where: string, err: unknown): void;
  };
  logger: Logger;
  /** How many rejections are logged per source (a plugin, or the rest) in each window; the others are counted. */
  logLimit?: { lines: number; windowMs: number };
}

const DEFAULT_LOG_LIMIT = { lines: 10, windowMs: 60_000 };
/** The most of a message or a stack a log line carries: a reason may hold megabytes. */
const MAX_TEXT = 8192;
/** Frames looked at for the plugin; a frame line longer than this is not one V8 wrote. */
const MAX_FRAMES = 200;
const MAX_FRAME_LENGTH = 4096;

/** Reads a property that may be a getter that throws, or a proxy's trap. */
function read<T>(get: () => T): T | undefined {
  try {
    return get();
  } catch {
    return undefined;
  }
}

/**
 * The files a stack trace's frames name, as paths (tsx's source maps give `file://` URLs of the
 * .ts files). The message, which may hold anything, is skipped; each frame is cut without a regex
 * that could backtrack on a long line.
 */
function stackFiles(err: Error): string[] {
  let stack = read(() => err.stack);
  if (typeof stack !== 'string') return [];
  const message = read(() => String(err.message));
  const header = read(() => `${String(err.name)}${message ? `: ${message}` : ''}`);
  if (header && stack.startsWith(header)) stack = stack.slice(header.length);
  const files: string[] = [];
  for (const raw of stack.split('\n', MAX_FRAMES + 1)) {
    const line = raw.trim();
    if (!line.startsWith('at ') || line.length > MAX_FRAME_LENGTH) continue;
    const location = (line.endsWith(')') ? line.slice(line.lastIndexOf('(') + 1, -1) : line.slice(3)).replace(/(?::\d+){1,2}$/, '');
    try {
      if (location.startsWith('file://')) files.push(fileURLToPath(location));
      else if (location.startsWith('/')) files.push(location);
    } catch {
      // not a path after all
    }
  }
  return files;
}

/** The plugin whose code threw: the first frame of the stack that lies in an enabled plugin's folder. */
export function pluginOfError(err: unknown, plugins: PluginInfo[]): string | undefined {
  if (!read(() => err instanceof Error)) return undefined;
  const enabled = plugins.filter((p) => p.state === 'enabled').map((p) => ({ id: p.id, dir: path.resolve(p.dir) + path.sep }));
  for (const file of stackFiles(err as Error)) {
    const owner = enabled.find((p) => file.startsWith(p.dir));
    if (owner) return owner.id;
  }
  return undefined;
}

/**
 * What the log says of a reason (under its own key: pino's `err` serializer would read it again,
 * getters and all), read defensively: anything can be rejected (a string, undefined,
 * an object whose getters throw, a proxy), and logging it as it is could throw out of the handler,
 * which would then stop the server.
 */
export function describeReason(reason: unknown): { type: string; message: string; stack?: string } {
  const cut = (s: string) => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s);
  const isError = read(() => reason instanceof Error) === true;
  const type = isError ? (read(() => String((reason as Error).name)) ?? 'Error') : reason === null ? 'null' : typeof reason;
  const message = isError ? read(() => String((reason as Error).message)) : read(() => (typeof reason === 'string' ? reason : inspect(reason, { depth: 2, maxArrayLength: 20, maxStringLength: MAX_TEXT, breakLength: Infinity })));
  const stack = isError ? read(() => (reason as Error).stack) : undefined;
  return { type, message: cut(message ?? '(unreadable)'), ...(typeof stack === 'string' ? { stack: cut(stack) } : {}) };
}

/**
 * What the server does with an error no code caught, which a plugin's timer, event handler or
 * forgotten promise can raise: Node's default is to end the process, which would take the whole
 * site down for one plugin's mistake.
 * - A rejected promise nobody handled is logged, named against the plugin its stack points to (the
 *   plugins page shows it), and the server goes on: the promise failed alone, nothing was half-done.
 *   A plugin that rejects in a loop would fill the disk with the same line: past `logLimit.lines`
 *   in a window, its rejections are counted, and one line at the window's end says how many.
 * - An exception thrown out of a callback is logged the same way, then `onFatal` stops the server:
 *   it may have left core or the plugin in a half-changed state (Node's own advice). A supervisor
 *   (systemd, Docker's restart policy, pm2) starts it again.
 */
export function createStrayErrorPolicy(deps: StrayErrorDeps) {
  const limit = deps.logLimit ?? DEFAULT_LOG_LIMIT;
  /** Per source ('' when no plugin is named): the current window's lines and the rejections left out. */
  const windows = new Map<string, { logged: number; skipped: number; timer: NodeJS.Timeout }>();

  function attribute(err: unknown, kind: 'rejection' | 'exception'): string | undefined {
    let plugin: string | undefined;
    try {
      plugin = pluginOfError(err, deps.plugins.list());
      // An exception stops the server, so only a rejection lives on to be shown on the plugins page.
      if (plugin && kind === 'rejection') deps.plugins.reportFailure(plugin, 'background', '', err);
    } catch {
      // Attributing must never be what brings the server down.
    }
    return plugin;
  }

  function summarise(source: string, skipped: number): void {
    if (skipped) deps.logger.error({ plugin: source || undefined, skipped }, `${source ? `plugin ${source}: ` : ''}${skipped} more promises failed with nothing to handle them (not logged one by one)`);
  }

  /** Whether this rejection gets its own log line, counting it when not. */
  function mayLog(source: string): boolean {
    let w = windows.get(source);
    if (!w) {
      const timer = setTimeout(() => {
        windows.delete(source);
        summarise(source, current.skipped);
      }, limit.windowMs);
      timer.unref();
      const current = { logged: 0, skipped: 0, timer };
      windows.set(source, current);
      w = current;
    }
    if (w.logged < limit.lines) {
      w.logged++;
      return true;
    }
    w.skipped++;
    return false;
  }

  return {
    unhandledRejection(reason: unknown): void {
      const plugin = attribute(reason, 'rejection');
      if (!mayLog(plugin ?? '')) return;
      deps.logger.error({ reason: describeReason(reason), plugin }, plugin ? `plugin ${plugin}: a promise failed with nothing to handle it; the server goes on` : 'a promise failed with nothing to handle it; the server goes on');
    },
    uncaughtException(err: unknown): void {
      const plugin = attribute(err, 'exception');
      deps.logger.fatal({ error: describeReason(err), plugin }, plugin ? `plugin ${plugin}: an uncaught exception; the server stops (disable the plugin if it happens again)` : 'an uncaught exception; the server stops');
    },
    /** The server stops: each window still open says now how many it left out, rather than never. */
    close(): void {
      for (const [source, w] of windows) {
        clearTimeout(w.timer);
        summarise(source, w.skipped);
      }
      windows.clear();
    },
  };
}
