import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const themeManifest = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,40}$/),
  version: z.string().min(1),
  /** What the admin sees in the theme list; the folder name when absent. */
  title: z.object({ en: z.string().min(1).max(60), fr: z.string().min(1).max(60) }).partial().optional(),
  description: z.object({ en: z.string(), fr: z.string() }).partial().optional(),
});

export interface ThemeInfo {
  name: string;
  dir: string;
  version?: string;
  title?: { en?: string; fr?: string };
  description?: { en?: string; fr?: string };
  /** Why the theme cannot be used; absent when it is fine. */
  error?: string;
}

/** Lists the theme folders under `themesDir`; a folder with a bad theme.json is listed with its error. */
export function discoverThemes(themesDir: string): ThemeInfo[] {
  if (!existsSync(themesDir)) return [];
  const out: ThemeInfo[] = [];
  for (const name of readdirSync(themesDir).sort()) {
    const dir = path.join(themesDir, name);
    if (!statSync(dir).isDirectory()) continue;
    const manifestFile = path.join(dir, 'theme.json');
    try {
      const parsed = themeManifest.safeParse(JSON.parse(readFileSync(manifestFile, 'utf8')));
      if (!parsed.success) {
        out.push({ name, dir, error: parsed.error.issues.map((i) => `${i.path.join('.') || 'theme.json'}: ${i.message}`).join('; ') });
      } else if (parsed.data.name !== name) {
        out.push({ name, dir, error: `theme.json names "${parsed.data.name}" but the folder is "${name}"` });
      } else {
        out.push({ name, dir, version: parsed.data.version, title: parsed.data.title, description: parsed.data.description });
      }
    } catch (err) {
      out.push({ name, dir, error: `theme.json: ${(err as Error).message}` });
    }
  }
  return out;
}
