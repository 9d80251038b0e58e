import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerPluginApiSpecifier } from './api-specifier.ts';
import type { Request, Response, Router } from 'express';
import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';
import type { I18n, Language } from '../i18n/index.ts';
import { languages } from '../i18n/index.ts';
import type { Hooks } from './hooks.ts';
import type { Slots } from '../views/slots.ts';
import type { HeadAssets } from '../views/head-assets.ts';
import type { RenderPage } from '../views/render.ts';
import { ASSETS_FOLDER } from './assets.ts';
import type { PluginDefinition, SettingField, SettingValues } from './api.ts';
import { discoverPlugins, type DiscoveredPlugin, type PluginManifest } from './manifest.ts';
import { createActivation, createPluginContext, undoAll, type Activation } from './context.ts';
import { defaults, validateValues, type FieldError } from '../settings/form.ts';

/**
 * enabled / disabled: as the admin chose. broken: the manifest is invalid (cannot be enabled).
 * failed: it could not start (register threw, entry would not load, a dependency is off).
 */
export type PluginState = 'enabled' | 'disabled' | 'broken' | 'failed';

export interface PluginInfo {
  id: string;
  dir: string;
  source: DiscoveredPlugin['source'];
  manifest?: PluginManifest;
  state: PluginState;
  /** Why it is broken or failed. */
  problems: string[];
  /** What the plugin reported with ctx.health(), or a problem with its saved settings. */
  health: string | null;
  /** The admin's choice, kept in the store and restored at start. */
  wanted: boolean;
  /** The latest failure of its code while running (a route, a filter, an action, a slot template), since it was enabled. */
  lastFailure: RuntimeFailure | null;
}

/** Where a running plugin's code failed: a route (`GET /plugins/<id>/x`), a hook or a slot, by name; or a promise it left unhandled. */
export interface RuntimeFailure {
  kind: 'route' | 'filter' | 'action' | 'slot' | 'background';
  where: string;
  message: string;
  /** How many failures since the plugin was enabled. */
  count: number;
}

export type ToggleRefusal =
  | { code: 'not_found' }
  | { code: 'broken' }
  | { code: 'dependency_missing'; dependency: string }
  | { code: 'dependency_disabled'; dependency: string }
  | { code: 'dependents_enabled'; dependents: string[] }
  | { code: 'register_failed'; message: string };
export type ToggleResult = { ok: true } | ({ ok: false } & ToggleRefusal);

export class PluginSettingsError extends Error {
  constructor(id: string, public readonly errors: Record<string, FieldError[]>) {
    super(`plugin "${id}": the saved settings are invalid (${Object.keys(errors).join(', ')}); save the settings page again`);
    this.name = 'PluginSettingsError';
  }
}

export interface PluginManagerDeps {
  store: Store;
  hooks: Hooks;
  slots: Slots;
  headAssets: HeadAssets;
  /** Core's page renderer (plugins' themed pages); called only once a request comes. */
  render: RenderPage;
  i18n: I18n;
  logger: Logger;
  coreVersion: string;
  pluginsDir: string;
  /** Where `kiosque-plugin-*` packages are looked for (node_modules). */
  packagesDir?: string;
  /** The access gate's rules asked ahead of time (ctx.access.canOpen). */
  canOpen: (req: Request, path: string) => boolean | Promise<boolean>;
  /** The site's error page (plugin pages of the admin layout refused); called only once a request comes. */
  refuse?: (req: Request, res: Response, status: number) => Promise<void>;
  /** How long register() may take before the plugin is marked failed (default 10 s). */
  registerTimeoutMs?: number;
}

interface Entry extends PluginInfo {
  entryFile?: string;
  activation?: Activation;
  pluginHealth: string | null;
}

export interface PluginManager {
  /** Discovers plugins and starts those the admin left enabled. Never throws for a plugin's fault. */
  start(): Promise<void>;
  list(): PluginInfo[];
  get(id: string): PluginInfo | undefined;
  enable(id: string): Promise<ToggleResult>;
  disable(id: string): Promise<ToggleResult>;
  /** The router of an enabled plugin, for the `/plugins/:id` dispatcher. */
  router(id: string): Router | undefined;
  /** The assets folder of an enabled plugin, served at /plugins/<id>/assets/. */
  assetsDir(id: string): string | undefined;
  /** Declared settings of an enabled plugin that has some; undefined otherwise. */
  settingsFields(id: string): SettingField[] | undefined;
  /** Saved values merged with defaults; invalid saved values fall back to the defaults here (for the form). */
  settingsValues(id: string): SettingValues;
  saveSettings(id: string, values: SettingValues): Promise<void>;
  /** The admin menu entries of enabled plugins with settings. */
  menuItems(lang: Language): Array<{ section: string; href: string; label: string; roles: Array<'admin'> }>;
  /** Records a failure of a running plugin's code, shown on the plugins page until it is disabled. */
  reportFailure(id: string, kind: RuntimeFailure['kind'], where: string, err: unknown): void;
  /** Undoes every registration without changing what is saved (app shutdown). */
  close(): void;
}

function readI18nFolder(dir: string): Partial<Record<Language, Record<string, string>>> {
  const out: Partial<Record<Language, Record<string, string>>> = {};
  for (const lang of languages) {
    const file = path.join(dir, 'i18n', `${lang}.json`);
    if (!existsSync(file)) continue;
    try {
      out[lang] = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    } catch (err) {
      throw new Error(`i18n/${lang}.json is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  return out;
}

export function createPluginManager(deps: PluginManagerDeps): PluginManager {
  const entries = new Map<string, Entry>();
  const saved = new Map<string, SettingValues>();
  // Toggles run one at a time: a dependency check must not race another toggle.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const info = (e: Entry): PluginInfo => ({
    id: e.id,
    dir: e.dir,
    source: e.source,
    manifest: e.manifest,
    state: e.state,
    problems: [...e.problems],
    health: e.pluginHealth ?? settingsProblem(e),
    wanted: e.wanted,
    lastFailure: e.lastFailure ? { ...e.lastFailure } : null,
  });

  function settingsProblem(e: Entry): string | null {
    if (e.state !== 'enabled' || !e.manifest?.settings.length) return null;
    const result = checkedSettings(e.id);
    return result.ok ? null : new PluginSettingsError(e.id, result.errors).message;
  }

  // Filters may read settings on every request: validate once per save, hand out copies.
  const validated = new Map<string, ReturnType<typeof validateValues>>();
  function checkedSettings(id: string): ReturnType<typeof validateValues> {
    let result = validated.get(id);
    if (!result) {
      result = validateValues(entries.get(id)?.manifest?.settings ?? [], saved.get(id));
      validated.set(id, result);
    }
    return result;
  }

  function readSettings(e: Entry): SettingValues {
    const result = checkedSettings(e.id);
    if (!result.ok) throw new PluginSettingsError(e.id, result.errors);
    return structuredClone(result.values);
  }

  async function load(e: Entry): Promise<PluginDefinition> {
    registerPluginApiSpecifier();
    const mod = (await import(pathToFileURL(e.entryFile!).href)) as { default?: unknown };
    const def = mod.default as PluginDefinition | undefined;
    if (!def || typeof def.register !== 'function') throw new Error(`${path.basename(e.entryFile!)} has no default export with a register() function (use definePlugin)`);
    return def;
  }

  /** Starts the plugin; on any error undoes what it did and reports the message. */
  async function activate(e: Entry): Promise<string | null> {
    const activation = createActivation(e.id);
    try {
      const def = await load(e);
      const strings = readI18nFolder(e.dir);
      if (Object.keys(strings).length) activation.undos.push(deps.i18n.add(`plugin.${e.id}`, strings));
      const ctx = createPluginContext(activation, {
        store: deps.store,
        hooks: deps.hooks,
        slots: deps.slots,
        headAssets: deps.headAssets,
        render: deps.render,
        dir: e.dir,
        i18n: deps.i18n,
        logger: deps.logger,
        readSettings: () => readSettings(e),
        canOpen: deps.canOpen,
        refuse: deps.refuse,
        setHealth: (problem) => {
          if (!activation.closed) e.pluginHealth = problem === null ? null : String(problem).slice(0, 500);
        },
      });
      // A register() that never settles must not hold the start (or the toggle queue) forever.
      let timer: NodeJS.Timeout | undefined;
      const timeoutMs = deps.registerTimeoutMs ?? 10_000;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`register() did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
      });
      try {
        await Promise.race([Promise.resolve(def.register(ctx)), timeout]);
      } finally {
        clearTimeout(timer);
      }
      e.activation = activation;
      e.state = 'enabled';
      e.problems = [];
      e.lastFailure = null;
      return null;
    } catch (err) {
      undoAll(activation, deps.logger);
      const message = err instanceof Error ? err.message : String(err);
      deps.logger.error({ err, plugin: e.id }, 'plugin failed to start');
      e.state = 'failed';
      e.problems = [message];
      e.pluginHealth = null;
      return message;
    }
  }

  function deactivate(e: Entry): void {
    if (e.activation) undoAll(e.activation, deps.logger);
    e.activation = undefined;
    e.pluginHealth = null;
    e.lastFailure = null;
  }

  function dependencyRefusal(e: Entry): ToggleRefusal | null {
    for (const dep of e.manifest?.dependencies ?? []) {
      const d = entries.get(dep);
      if (!d || !d.manifest) return { code: 'dependency_missing', dependency: dep };
      if (d.state !== 'enabled') return { code: 'dependency_disabled', dependency: dep };
    }
    return null;
  }

  async function enableNow(id: string, persist: boolean): Promise<ToggleResult> {
    const e = entries.get(id);
    if (!e) return { ok: false, code: 'not_found' };
    if (!e.manifest) return { ok: false, code: 'broken' };
    if (e.state === 'enabled') return { ok: true };
    const refusal = dependencyRefusal(e);
    if (refusal) {
      if (!persist) {
        e.state = 'failed';
        e.problems = [refusal.code === 'dependency_missing' ? `dependency "${refusal.dependency}" is missing or broken` : `dependency "${(refusal as { dependency: string }).dependency}" is not enabled`];
      }
      return { ok: false, ...refusal };
    }
    const failure = await activate(e);
    if (failure) return { ok: false, code: 'register_failed', message: failure };
    if (persist) {
      e.wanted = true;
      await deps.store.plugins.update(id, { enabled: true });
    }
    await deps.hooks.runAction('plugin.enabled', id);
    return { ok: true };
  }

  async function disableNow(id: string): Promise<ToggleResult> {
    const e = entries.get(id);
    if (!e) return { ok: false, code: 'not_found' };
    const dependents = [...entries.values()].filter((o) => o.state === 'enabled' && o.manifest?.dependencies.includes(id)).map((o) => o.id);
    if (e.state === 'enabled' && dependents.length) return { ok: false, code: 'dependents_enabled', dependents };
    const wasEnabled = e.state === 'enabled';
    deactivate(e);
    if (e.state === 'enabled' || e.state === 'failed') e.state = 'disabled';
    if (e.state === 'disabled') e.problems = [];
    e.wanted = false;
    await deps.store.plugins.update(id, { enabled: false });
    if (wasEnabled) await deps.hooks.runAction('plugin.disabled', id);
    return { ok: true };
  }

  return {
    async start() {
      const found = discoverPlugins({ pluginsDir: deps.pluginsDir, packagesDir: deps.packagesDir, coreVersion: deps.coreVersion });
      const records = new Map((await deps.store.plugins.list()).map((r) => [r.id, r]));
      for (const p of found) {
        // With duplicate ids, keep the first (both are broken anyway).
        if (entries.has(p.id)) continue;
        const record = records.get(p.id);
        if (record?.settings) saved.set(p.id, record.settings);
        entries.set(p.id, { ...p, state: p.manifest ? 'disabled' : 'broken', wanted: !!record?.enabled, health: null, pluginHealth: null, lastFailure: null });
        for (const problem of p.problems) deps.logger.warn({ plugin: p.id, dir: p.dir, problem }, 'plugin is broken');
      }
      // Dependencies first; a cycle or a missing dependency leaves the plugin failed with the reason.
      const visiting = new Set<string>();
      const restore = async (e: Entry): Promise<void> => {
        if (e.state !== 'disabled' || !e.wanted || visiting.has(e.id)) return;
        visiting.add(e.id);
        for (const dep of e.manifest?.dependencies ?? []) {
          const d = entries.get(dep);
          if (d) await restore(d);
        }
        await enableNow(e.id, false);
      };
      for (const e of entries.values()) await restore(e);
    },
    list: () => [...entries.values()].map(info).sort((a, b) => a.id.localeCompare(b.id)),
    get(id) {
      const e = entries.get(id);
      return e ? info(e) : undefined;
    },
    enable: (id) => serial(() => enableNow(id, true)),
    disable: (id) => serial(() => disableNow(id)),
    router(id) {
      const e = entries.get(id);
      return e?.state === 'enabled' ? e.activation?.router : undefined;
    },
    assetsDir(id) {
      const e = entries.get(id);
      return e?.state === 'enabled' && e.activation ? path.join(e.dir, ASSETS_FOLDER) : undefined;
    },
    settingsFields(id) {
      const e = entries.get(id);
      return e?.state === 'enabled' && e.manifest?.settings.length ? e.manifest.settings : undefined;
    },
    settingsValues(id) {
      const result = checkedSettings(id);
      return result.ok ? structuredClone(result.values) : defaults(entries.get(id)?.manifest?.settings ?? []);
    },
    async saveSettings(id, values) {
      await deps.store.plugins.update(id, { settings: values });
      saved.set(id, values);
      validated.delete(id);
      const e = entries.get(id);
      for (const fn of [...(e?.activation?.settingsListeners ?? [])]) {
        try {
          await fn(values);
        } catch (err) {
          deps.logger.error({ err, plugin: id }, 'settings onChange failed');
        }
      }
      await deps.hooks.runAction('settings.changed', id, values);
    },
    menuItems(lang) {
      return [...entries.values()]
        .filter((e) => e.state === 'enabled' && e.manifest?.settings.length)
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((e) => ({ section: 'plugins', href: `/admin/plugins/${e.id}/settings`, label: e.manifest!.name[lang] ?? e.manifest!.name.en, roles: ['admin'] as Array<'admin'> }));
    },
    reportFailure(id, kind, where, err) {
      const e = entries.get(id);
      // Invalid saved settings are already shown (as the plugin's health) until the admin saves them again.
      if (e?.state !== 'enabled' || err instanceof PluginSettingsError) return;
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      e.lastFailure = { kind, where, message, count: (e.lastFailure?.count ?? 0) + 1 };
    },
    close() {
      for (const e of entries.values()) deactivate(e);
    },
  };
}
