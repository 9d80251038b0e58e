import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { PluginInfo, RuntimeFailure } from './manager.ts';

export interface StrayErrorDeps {
  plugins: {
    list(): PluginInfo[];
    reportFailure(id: string, kind: RuntimeFailure['kind'], where: string, err: unknown): void;
  };
  logger: Logger;
}

/** The files a stack trace names, as paths (tsx's source maps give `file://` URLs of the .ts files). */
function stackFiles(stack: string): string[] {
  const files: string[] = [];
  for (const m of stack.matchAll(/(file:\/\/[^\s):]+|\/[^\s):]+)(?::\d+){1,2}\)?$/gm)) {
    try {
      files.push(m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!);
    } catch {
      // not a path after all
    }
  }
  return files;
}

/** The plugin whose code threw: the first frame of the stack that lies in an enabled plugin's folder. */
export function pluginOfError(err: unknown, plugins: PluginInfo[]): string | undefined {
  const stack = err instanceof Error ? err.stack : undefined;
  if (!stack) return undefined;
  const enabled = plugins.filter((p) => p.state === 'enabled').map((p) => ({ id: p.id, dir: path.resolve(p.dir) + path.sep }));
  for (const file of stackFiles(stack)) {
    const owner = enabled.find((p) => file.startsWith(p.dir));
    if (owner) return owner.id;
  }
  return undefined;
}

/**
 * What the server does with an error no code caught, which a plugin's timer, event handler or
 * forgotten promise can raise: Node's default is to end the process, which would take the whole
 * site down for one plugin's mistake.
 * - A rejected promise nobody handled is logged, named against the plugin its stack points to (the
 *   plugins page shows it), and the server goes on: the promise failed alone, nothing was half-done.
 * - An exception thrown out of a callback is logged the same way, then `onFatal` stops the server:
 *   it may have left core or the plugin in a half-changed state (Node's own advice). A supervisor
 *   (systemd, Docker's restart policy, pm2) starts it again.
 */
export function createStrayErrorPolicy(deps: StrayErrorDeps) {
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
  return {
    unhandledRejection(reason: unknown): void {
      const plugin = attribute(reason, 'rejection');
      deps.logger.error({ err: reason, plugin }, plugin ? `plugin ${plugin}: a promise failed with nothing to handle it; the server goes on` : 'a promise failed with nothing to handle it; the server goes on');
    },
    uncaughtException(err: unknown): void {
      const plugin = attribute(err, 'exception');
      deps.logger.fatal({ err, plugin }, plugin ? `plugin ${plugin}: an uncaught exception; the server stops (disable the plugin if it happens again)` : 'an uncaught exception; the server stops');
    },
  };
}
