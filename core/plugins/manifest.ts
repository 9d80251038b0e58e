import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { SettingField } from './api.ts';
import { settingFieldSchema, settingFieldsSchema } from '../settings/fields.ts';
import { validateValues } from '../settings/form.ts';
import { parseRange, satisfies } from './version-range.ts';

export const PLUGIN_ID = /^[a-z][a-z0-9-]{1,40}$/;
export const PACKAGE_PREFIX = 'kiosque-plugin-';

const localisedText = z.object({ en: z.string().min(1), fr: z.string().min(1) }).strict();

const manifestSchema = z
  .object({
    id: z.string().regex(PLUGIN_ID, 'an id has 2 to 41 lowercase letters, digits or dashes, starting with a letter'),
    version: z.string().regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/, 'a version looks like 1.2.3'),
    kiosque: z.string().min(1).refine((r) => parseRange(r) !== null, 'not a supported version range (use forms like ">=0.1.0 <1.0.0", "^0.1.0", "~0.1.2" or "*")'),
    name: localisedText,
    description: localisedText,
    dependencies: z.array(z.string().regex(PLUGIN_ID, 'not a plugin id')).default([]),
    entry: z.string().min(1).default('index.ts'),
    settings: settingFieldsSchema.default([]),
  })
  .strict();

export interface PluginManifest {
  id: string;
  version: string;
  kiosque: string;
  name: { en: string; fr: string };
  description: { en: string; fr: string };
  dependencies: string[];
  entry: string;
  settings: SettingField[];
}

/** A plugin folder found at discovery, valid or not. */
export interface DiscoveredPlugin {
  /** The manifest's id when it is valid; else the folder's name (without the package prefix). */
  id: string;
  dir: string;
  source: 'folder' | 'package';
  manifest?: PluginManifest;
  /** Absolute path of the entry module (set when the manifest is valid). */
  entryFile?: string;
  /** Every problem found; non-empty means broken. */
  problems: string[];
}

function issuePath(p: ReadonlyArray<PropertyKey>): string {
  return p.length ? p.map(String).join('.') : 'plugin.json';
}

/** Validates one plugin folder; every problem is reported, not just the first. */
export function readPluginFolder(dir: string, expectedId: string, source: DiscoveredPlugin['source'], coreVersion: string): DiscoveredPlugin {
  const found: DiscoveredPlugin = { id: expectedId, dir, source, problems: [] };
  const file = path.join(dir, 'plugin.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    found.problems.push(e.code === 'ENOENT' ? 'plugin.json is missing' : `plugin.json is not valid JSON: ${e.message}`);
    return found;
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) found.problems.push(`${issuePath(issue.path)}: ${issue.message}`);
  }
  // A setting whose own default breaks its rules (required and empty, more items than allowed…)
  // would make the plugin's settings unreadable the moment it is enabled: refuse it here. Each
  // declaration that is valid in itself is checked, so this adds to the other problems found.
  const declared = (raw as { settings?: unknown } | null)?.settings;
  if (Array.isArray(declared)) {
    declared.forEach((rawField, i) => {
      const field = settingFieldSchema.safeParse(rawField);
      if (!field.success) return;
      const checked = validateValues([field.data], undefined);
      if (!checked.ok) found.problems.push(`settings.${i}.default: the default of "${field.data.key}" does not meet its own rules (${Object.values(checked.errors).flat().map((e) => e.key.replace('form.errors.', '')).join(', ')})`);
    });
  }
  const data = (parsed.success ? parsed.data : raw) as Partial<PluginManifest> | null;
  if (data && typeof data === 'object') {
    if (typeof data.id === 'string' && PLUGIN_ID.test(data.id) && data.id !== expectedId) {
      found.problems.push(`id: "${data.id}" does not match the ${source === 'package' ? `package name "${PACKAGE_PREFIX}${expectedId}"` : `folder name "${expectedId}"`}`);
    }
    if (typeof data.kiosque === 'string' && parseRange(data.kiosque) && !satisfies(coreVersion, data.kiosque)) {
      found.problems.push(`kiosque: this plugin needs Kiosque ${data.kiosque}, this is Kiosque ${coreVersion}`);
    }
    const entry = typeof data.entry === 'string' ? data.entry : 'index.ts';
    const entryProblem = checkEntry(dir, entry);
    if (entryProblem) found.problems.push(`entry: ${entryProblem}`);
    else found.entryFile = path.resolve(dir, entry);
    if (Array.isArray(data.dependencies) && typeof data.id === 'string' && data.dependencies.includes(data.id)) found.problems.push('dependencies: a plugin cannot depend on itself');
  }
  if (parsed.success && found.problems.length === 0) found.manifest = parsed.data as PluginManifest;
  else found.entryFile = undefined;
  return found;
}

function checkEntry(dir: string, entry: string): string | null {
  if (path.isAbsolute(entry) || entry.includes('\0')) return `"${entry}" must be a path relative to the plugin folder`;
  const resolved = path.resolve(dir, entry);
  const inside = (p: string, root: string) => p.startsWith(root + path.sep);
  if (!inside(resolved, path.resolve(dir))) return `"${entry}" leads outside the plugin folder`;
  if (!/\.(ts|js|mjs)$/.test(resolved)) return `"${entry}" is not a .ts, .js or .mjs module`;
  if (!existsSync(resolved)) return `"${entry}" does not exist`;
  // A symlink may still lead outside.
  if (!inside(realpathSync(resolved), realpathSync(dir))) return `"${entry}" leads outside the plugin folder`;
  return null;
}

function subdirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.'))
    .filter((name) => {
      try {
        return statSync(path.join(dir, name)).isDirectory();
      } catch {
        return false;
      }
    })
    .sort();
}

/**
 * Finds plugins in `pluginsDir` (one folder each) and in `packagesDir` (node_modules packages named
 * `kiosque-plugin-<id>`). Two plugins claiming the same id are both broken: neither may win silently.
 */
export function discoverPlugins(options: { pluginsDir: string; packagesDir?: string; coreVersion: string }): DiscoveredPlugin[] {
  const found: DiscoveredPlugin[] = [];
  for (const name of subdirs(options.pluginsDir)) found.push(readPluginFolder(path.join(options.pluginsDir, name), name, 'folder', options.coreVersion));
  if (options.packagesDir) {
    for (const name of subdirs(options.packagesDir).filter((n) => n.startsWith(PACKAGE_PREFIX))) {
      found.push(readPluginFolder(path.join(options.packagesDir, name), name.slice(PACKAGE_PREFIX.length), 'package', options.coreVersion));
    }
  }
  const byId = new Map<string, DiscoveredPlugin[]>();
  for (const p of found) byId.set(p.id, [...(byId.get(p.id) ?? []), p]);
  for (const [id, list] of byId) {
    if (list.length < 2) continue;
    for (const p of list) {
      const others = list.filter((o) => o !== p).map((o) => o.dir);
      p.problems.push(`id: "${id}" is also used by ${others.join(', ')}`);
      p.manifest = undefined;
      p.entryFile = undefined;
    }
  }
  return found;
}
