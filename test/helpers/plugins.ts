import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT_DIR } from '../../core/app.ts';
import type { TestApp } from './app.ts';

/** Import specifier of the plugin API for throwaway plugins written outside the repository. */
export const API_URL = pathToFileURL(path.join(ROOT_DIR, 'core', 'plugins', 'api.ts')).href;

export function manifest(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    version: '1.0.0',
    kiosque: '>=0.1.0 <1.0.0',
    name: { en: `Plugin ${id}`, fr: `Plugin ${id} (fr)` },
    description: { en: `The ${id} test plugin`, fr: `Le plugin de test ${id}` },
    ...extra,
  };
}

/** Writes a plugin folder: plugin.json (an object, or raw text for invalid JSON) and an entry module body. */
export async function writePlugin(pluginsDir: string, folder: string, options: { manifest: Record<string, unknown> | string; code?: string; entry?: string; files?: Record<string, string> }): Promise<string> {
  const dir = path.join(pluginsDir, folder);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'plugin.json'), typeof options.manifest === 'string' ? options.manifest : JSON.stringify(options.manifest, null, 2));
  await writeFile(path.join(dir, options.entry ?? 'index.ts'), options.code ?? `import { definePlugin } from '${API_URL}';\nexport default definePlugin({ register() {} });\n`);
  for (const [name, text] of Object.entries(options.files ?? {})) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

/** What the hello plugin's greeting page says: its heading, then its greeting lines. */
export function helloSays(page: string): string[] {
  const article = /<article class="hello-page[^"]*" data-plugin="hello">([\s\S]*?)<\/article>/.exec(page)?.[1] ?? '';
  return [...article.matchAll(/<h1>([^<]*)<\/h1>|<p class="hello-greeting">([^<]*)<\/p>/g)].map((m) => m[1] ?? m[2]!);
}

/**
 * Another plugin's access rule, as tests of what plugins show need one: nobody but administrators
 * may open the paths starting with `prefix` (a media's page, `/media/<id>`).
 */
export function closeToAllButAdmins(t: Pick<TestApp, 'app'>, prefix: string): void {
  t.app.kiosque.hooks.filter(
    'access',
    (decision, ...args) => {
      const req = args[0] as { path: string; user: { role: string } | null };
      return req.path.startsWith(prefix) && req.user?.role !== 'admin' ? { allow: false, reason: 'test rule' } : decision;
    },
    { owner: 'test' },
  );
}
