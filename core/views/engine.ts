import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ExpressHandlebars } from 'express-handlebars';
import type { HelperDelegate, TemplateDelegate } from 'handlebars';
import { discoverThemes, type ThemeInfo } from './themes.ts';

export const DEFAULT_THEME = 'default';

export interface ViewEngineOptions {
  themesDir: string;
  /** Keep compiled templates and lookups in memory (off in development so edits show at once). */
  cache: boolean;
  helpers: Record<string, HelperDelegate>;
}

export interface RenderOptions {
  theme: string;
  /** Template names from the most specific to the most general, e.g. ['error-404', 'error']. */
  names: string[];
  context: Record<string, unknown>;
  /** Layout name, or false for none. */
  layout?: string | false;
  /**
   * A plugin's page: `names` are its templates, looked up as `plugins/<id>/<name>.hbs` in the theme
   * chain (a theme may override them), then in the plugin's own `views/pages/` folder.
   */
  plugin?: { id: string; dir: string };
}

export interface ViewEngine {
  render(options: RenderOptions): Promise<string>;
  themes(): ThemeInfo[];
  /** Re-reads the themes folder and every template file (after a theme is added or edited). */
  rescan(): void;
  /** Bumped by rescan(): pages rendered before it may be out of date (the page cache keys on it). */
  readonly version: number;
  /** The themes to search, most specific first: the active theme (if usable) then `default`. */
  chain(theme: string): string[];
}

export function createViewEngine(options: ViewEngineOptions): ViewEngine {
  // The helpers are a fixed list (plugins add templates and data, not helpers), so templates compile
  // knowing them all: a helper call is a direct call, and a plain `{{name}}` is a plain lookup instead
  // of first asking whether `name` is a helper (a fifth of the rendering time). A template calling an
  // unknown helper fails when it is compiled, naming the helper, rather than when that line runs.
  // preventIndent: a partial on a line of its own is not re-indented line by line on every render
  // (the header was split and joined again on each page view); only whitespace differs.
  const knownHelpers = Object.fromEntries(Object.keys(options.helpers).map((name) => [name, true]));
  // express-handlebars keeps file contents and compiled templates of its own: a rescan starts a new one.
  const newHbs = () => new ExpressHandlebars({ extname: '.hbs', helpers: options.helpers, defaultLayout: undefined, compilerOptions: { knownHelpers, knownHelpersOnly: true, preventIndent: true } });
  let hbs = newHbs();
  let themes = discoverThemes(options.themesDir);
  let version = 0;
  const lookups = new Map<string, string | null>();

  const usable = (name: string) => themes.some((t) => t.name === name && !t.error);
  const chain = (theme: string) => (theme !== DEFAULT_THEME && usable(theme) ? [theme, DEFAULT_THEME] : [DEFAULT_THEME]);

  /** The folders a template is looked for in, most specific first. */
  function folders(kind: 'templates' | 'layouts', theme: string, plugin: RenderOptions['plugin']): string[] {
    if (!plugin) return chain(theme).map((t) => path.join(options.themesDir, t, kind));
    return [...chain(theme).map((t) => path.join(options.themesDir, t, 'plugins', plugin.id)), path.join(plugin.dir, 'views', 'pages')];
  }

  function find(kind: 'templates' | 'layouts', theme: string, names: string[], plugin?: RenderOptions['plugin']): string | undefined {
    const key = `${kind}|${theme}|${plugin ? `${plugin.id}|${plugin.dir}|` : ''}${names.join(',')}`;
    if (options.cache && lookups.has(key)) return lookups.get(key) ?? undefined;
    let found: string | undefined;
    outer: for (const name of names) {
      if (!/^[a-z0-9][a-z0-9/_-]*$/i.test(name) || name.includes('..')) continue;
      for (const folder of folders(kind, theme, plugin)) {
        const file = path.join(folder, `${name}.hbs`);
        if (existsSync(file)) {
          found = file;
          break outer;
        }
      }
    }
    if (options.cache) lookups.set(key, found ?? null);
    return found;
  }

  // With template caching on, a theme's merged partials are gathered once (until rescan), not on every render.
  const partialsByTheme = new Map<string, Promise<Record<string, unknown>>>();
  function partials(theme: string): Promise<Record<string, unknown>> {
    if (!options.cache) return gatherPartials(theme);
    let found = partialsByTheme.get(theme);
    if (!found) {
      found = gatherPartials(theme);
      partialsByTheme.set(theme, found);
      found.catch(() => partialsByTheme.delete(theme));
    }
    return found;
  }

  /**
   * Handlebars compiles on first use, and its errors then name neither the file nor the theme: each
   * file is compiled once ahead, so a syntax error or an unknown helper names the file it is in.
   */
  function problemOf(file: string): string | undefined {
    try {
      hbs.handlebars.precompile(readFileSync(file, 'utf8').trim(), hbs.compilerOptions);
      return undefined;
    } catch (err) {
      // A theme's file is named from the themes folder; a plugin's own from the folder above it (plugins/<id>/…).
      const base = file.startsWith(options.themesDir + path.sep) ? options.themesDir : path.dirname(options.themesDir);
      return `${path.relative(base, file).split(path.sep).join('/')}: ${(err as Error).message}`;
    }
  }

  async function gatherPartials(theme: string): Promise<Record<string, unknown>> {
    const merged: Record<string, unknown> = {};
    for (const t of [...chain(theme)].reverse()) {
      const dir = path.join(options.themesDir, t, 'partials');
      if (!existsSync(dir)) continue;
      const templates = await hbs.getTemplates(dir, { cache: options.cache });
      for (const [file, tpl] of Object.entries(templates)) {
        const problem = problemOf(path.join(dir, file));
        // A broken partial fails the pages that use it, with its name, and only those.
        merged[file.replace(/\.hbs$/, '').split(path.sep).join('/')] = problem
          ? () => {
              throw new Error(problem);
            }
          : tpl;
      }
    }
    return merged;
  }

  // Compiled templates by file (with caching on). express-handlebars compiles and caches them; calling
  // them directly saves its per-render promise chain and option copies, a fifth of rendering a page.
  const compiled = new Map<string, TemplateDelegate>();
  async function template(file: string): Promise<TemplateDelegate> {
    const known = compiled.get(file);
    if (known) return known;
    const problem = problemOf(file);
    if (problem) throw new Error(problem);
    const found = (await hbs.getTemplate(file, { cache: options.cache })) as TemplateDelegate;
    if (options.cache) compiled.set(file, found);
    return found;
  }

  return {
    async render({ theme, names, context, layout = 'main', plugin }) {
      const file = find('templates', theme, names, plugin);
      if (!file) throw new Error(`No template found for ${names.join(' → ')} in ${plugin ? `plugin "${plugin.id}" (views/pages/) and ` : ''}themes ${chain(theme).join(', ')}`);
      const runtime = { partials: (await partials(theme)) as Record<string, TemplateDelegate>, helpers: options.helpers };
      const body = (await template(file))(context, runtime);
      if (layout === false) return body.trim();
      const layoutFile = find('layouts', theme, [layout]);
      if (!layoutFile) throw new Error(`No layout "${layout}" in themes ${chain(theme).join(', ')}`);
      return (await template(layoutFile))({ ...context, body }, runtime).trim();
    },
    themes: () => themes,
    rescan() {
      themes = discoverThemes(options.themesDir);
      hbs = newHbs();
      lookups.clear();
      partialsByTheme.clear();
      compiled.clear();
      version++;
    },
    get version() {
      return version;
    },
    chain,
  };
}
