import { Router, type Request, type Response } from 'express';
import { safeReturnPath } from '../auth/return-url.ts';
import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';
import type { I18n, Language } from '../i18n/index.ts';
import type { Hooks, FilterFn, ActionFn } from './hooks.ts';
import type { Slots } from '../views/slots.ts';
import type { HeadAssets } from '../views/head-assets.ts';
import type { RenderPage } from '../views/render.ts';
import type { PluginContext, SettingValues } from './api.ts';
import { pluginAssetHref } from './assets.ts';
import { mediaCard } from '../search/index.ts';
import { canSee } from '../media/index.ts';

/** One enabled period of a plugin: what it registered (to undo) and what it listens to. */
export interface Activation {
  id: string;
  router: Router;
  undos: Array<() => void>;
  settingsListeners: Array<(values: SettingValues) => void | Promise<void>>;
  /** Set on disable: later registrations are refused, so nothing outlives the plugin. */
  closed: boolean;
}

export interface ContextDeps {
  store: Store;
  hooks: Hooks;
  slots: Slots;
  headAssets: HeadAssets;
  /** Core's page renderer: plugin pages go through it like core's. */
  render: RenderPage;
  /** The plugin's folder (views/pages/, assets/). */
  dir: string;
  i18n: I18n;
  logger: Logger;
  /** The plugin's validated settings (throws when the saved ones are invalid). */
  readSettings: () => SettingValues;
  setHealth: (problem: string | null) => void;
  /** The access gate's rules for a GET of a path by this request's visitor. */
  canOpen: (req: Request, path: string) => boolean | Promise<boolean>;
  /** Answers with the site's error page for `status` (a page in the admin layout refused to a member). */
  refuse?: (req: Request, res: Response, status: number) => Promise<void>;
}

export function createActivation(id: string): Activation {
  // mergeParams is moot (mounted by the dispatcher); strict routing off like the app.
  return { id, router: Router(), undos: [], settingsListeners: [], closed: false };
}

/** Runs the undos, newest first; one that throws does not stop the others. */
export function undoAll(activation: Activation, logger: Logger): void {
  activation.closed = true;
  for (const undo of activation.undos.splice(0).reverse()) {
    try {
      undo();
    } catch (err) {
      logger.error({ err, plugin: activation.id }, 'undoing a plugin registration failed');
    }
  }
  activation.settingsListeners.length = 0;
}

/** The `ctx` a plugin's register() receives, bound to its id and to this activation. */
export function createPluginContext(activation: Activation, deps: ContextDeps): PluginContext {
  const { id } = activation;
  const log = deps.logger.child({ plugin: id });
  const record = (undo: () => void) => {
    if (activation.closed) {
      undo();
      throw new Error(`plugin "${id}" is disabled: it cannot register anything`);
    }
    activation.undos.push(undo);
  };
  // Checked once per file: a page links the same few on every view.
  const hrefs = new Map<string, string>();
  const assetHref = (file: string) => {
    let href = hrefs.get(file);
    if (!href) {
      href = pluginAssetHref(id, deps.dir, file);
      hrefs.set(file, href);
    }
    return href;
  };
  let storageQueue: Promise<unknown> = Promise.resolve();
  const storageWrite = (change: (storage: Record<string, unknown>) => void) => {
    const next = storageQueue.then(async () => {
      const storage = { ...((await deps.store.plugins.get(id))?.storage ?? {}) };
      change(storage);
      await deps.store.plugins.update(id, { storage });
    });
    storageQueue = next.catch(() => undefined);
    return next;
  };

  return {
    id,
    hooks: {
      filter(name, fn, priority) {
        record(deps.hooks.filter(name, fn as FilterFn, { owner: id, priority }));
      },
      action(name, fn) {
        record(deps.hooks.action(name, fn as ActionFn, { owner: id }));
      },
    },
    router: activation.router,
    settings: {
      get: <T extends SettingValues>() => deps.readSettings() as T,
      onChange(fn) {
        if (activation.closed) throw new Error(`plugin "${id}" is disabled`);
        activation.settingsListeners.push(fn);
      },
    },
    content: {
      async media(mediaId) {
        if (typeof mediaId !== 'string' || !/^\d{1,20}$/.test(mediaId)) return undefined;
        const m = await deps.store.media.get(mediaId);
        return m ? { id: m.id, status: m.status, sectorId: m.sectorId, title: m.title, slug: m.slug } : undefined;
      },
      async cards(req, ids, options = {}) {
        const wanted = ids.filter((mediaId) => typeof mediaId === 'string' && /^\d{1,20}$/.test(mediaId));
        const shown = (await deps.store.media.getMany(wanted)).filter((m) => m.status === 'published' || (options.drafts === true && canSee(req.user, m)));
        const open = await Promise.all(shown.map((m) => deps.canOpen(req, `/media/${m.id}`)));
        return shown.filter((_, i) => open[i] === true).map(mediaCard);
      },
      async sector(idOrSlug) {
        const all = await deps.store.sectors.list();
        const s = all.find((x) => x.id === idOrSlug) ?? all.find((x) => x.slug === idOrSlug);
        return s ? { id: s.id, slug: s.slug, visible: s.visible } : undefined;
      },
    },
    storage: {
      async get<T>(key: string) {
        await storageQueue;
        return (await deps.store.plugins.get(id))?.storage?.[key] as T | undefined;
      },
      set: (key, value) => storageWrite((s) => void (s[key] = value)),
      delete: (key) => storageWrite((s) => void delete s[key]),
      async keys(prefix = '') {
        await storageQueue;
        return Object.keys((await deps.store.plugins.get(id))?.storage ?? {}).filter((key) => key.startsWith(prefix));
      },
    },
    access: {
      canOpen: async (req, path) => (await deps.canOpen(req, path)) === true,
      staffOnly: (req, res, next) => (isStaff(req) ? next() : refuseAdmin(req, res, deps).catch(next)),
    },
    views: {
      slot(name, template) {
        record(deps.slots.add(name, id, template));
      },
      async render(req, res, template, data = {}, options = {}) {
        const admin = options.layout === 'admin';
        // Pages may show what the plugin alone knows, which the page cache cannot see change.
        if (!options.cache || admin) res.locals.noPageCache = true;
        if (admin) {
          res.setHeader('Cache-Control', 'private, no-store');
          if (!isStaff(req)) return refuseAdmin(req, res, deps);
        }
        await deps.render(req, res, [template], data, {
          status: options.status,
          title: options.title,
          csrf: options.csrf,
          admin,
          // Its own address, path only: query strings (tracking, ?lang=) never make another page.
          share: options.share && !admin ? { canonical: new URL(req.originalUrl, 'http://kiosque.invalid').pathname, type: 'website', description: options.share.description } : undefined,
          plugin: { id, dir: deps.dir, stylesheets: (options.stylesheets ?? []).map(assetHref), scripts: (options.scripts ?? []).map(assetHref) },
        });
      },
      stylesheet(file) {
        record(deps.headAssets.add(id, { kind: 'stylesheet', href: assetHref(file) }));
      },
      script(file) {
        record(deps.headAssets.add(id, { kind: 'script', href: assetHref(file) }));
      },
      asset: (file) => assetHref(file),
    },
    i18n: {
      add(strings) {
        record(deps.i18n.add(`plugin.${id}`, strings as Parameters<I18n['add']>[1]));
      },
      t: (lang, key, vars) => deps.i18n.t(lang, `plugin.${id}.${key}`, vars),
      // The site context middleware chose it before any plugin route runs (res.locals.site).
      languageOf: (req) => (req.res?.locals.site as { lang?: Language } | undefined)?.lang ?? 'en',
    },
    health: (problem) => deps.setHealth(problem),
    log,
  };
}

const isStaff = (req: Request) => req.user?.role === 'admin' || req.user?.role === 'editor';

/** A page of the admin layout asked for someone else than an admin or editor: answered as the admin area's gate answers. */
async function refuseAdmin(req: Request, res: Response, deps: ContextDeps): Promise<void> {
  if (!req.user && req.method === 'GET' && (req.headers.accept ?? '').includes('text/html')) {
    return void res.redirect(302, `/login?return=${encodeURIComponent(safeReturnPath(req.originalUrl))}`);
  }
  const status = req.user ? 403 : 401;
  if (deps.refuse) return deps.refuse(req, res, status);
  res.status(status).end();
}
