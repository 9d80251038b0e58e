import './http/augment.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import cookieParser from 'cookie-parser';
import { csrfSync } from 'csrf-sync';
import type { Logger } from 'pino';
import type { Config } from './config/index.ts';
import type { Store } from './store/index.ts';
import { createI18n, languages, loadDictionaries, type I18n, type Language } from './i18n/index.ts';
import { createHooks, type Hooks } from './plugins/hooks.ts';
import { createSlots, type Slots } from './views/slots.ts';
import { createHelpers } from './views/helpers.ts';
import { createViewEngine, type ViewEngine } from './views/engine.ts';
import { createRenderer, type RenderPage } from './views/render.ts';
import { createThemeAssets } from './views/assets.ts';
import { createHeadAssets, type HeadAssets } from './views/head-assets.ts';
import { createPluginAssets } from './plugins/assets.ts';
import { underPath } from './http/path-scope.ts';
import { series } from './http/series.ts';
import { createSiteContext } from './http/context.ts';
import { createRequestLog } from './http/request-log.ts';
import { createSecurityHeaders, helmetOptions } from './http/security-headers.ts';
import { createAccessCheck, createAccessGate } from './http/access-gate.ts';
import { isUnder, normalizePath } from './http/normalize-path.ts';
import { createPageCache, isAnonymous, type PageCache } from './http/page-cache.ts';
import { cachedRead, onStoreChange } from './store/index.ts';
import { createErrorHandlers } from './http/errors.ts';
import { KiosqueSessionStore, SESSION_SECRET_SETTING } from './auth/session-store.ts';
import { createPassport } from './auth/passport.ts';
import { createDummyHash } from './auth/password.ts';
import { createUserService, UserInputError, type UserService } from './auth/users.ts';
import { createAuthRoutes } from './auth/routes.ts';
import { createAccountRoutes } from './auth/account.ts';
import { createRegisterRoutes } from './auth/register.ts';
import { createPasswordResets } from './auth/password-reset.ts';
import { createPasswordResetRoutes } from './auth/password-reset-routes.ts';
import { createMailer, smtpTransport, type Mailer, type MailTransport } from './mail/index.ts';
import { createSetupRoutes, createSetupState, newSetupToken, type SetupState } from './auth/setup.ts';
import { createAdminMenu, type AdminMenuItem } from './admin/menu.ts';
import { createUsersAdmin } from './admin/users.ts';
import { createBackupAdmin } from './admin/backup.ts';
import { createFeedRoutes } from './feeds/routes.ts';
import { createOembedRoutes } from './oembed/index.ts';
import { createSitemapRoutes } from './site/sitemap.ts';
import { createSiteRoutes } from './site/routes.ts';
import { createSectorPages } from './site/sectors.ts';
import { createAuthorPages } from './site/authors.ts';
import { createAuthorDirectory } from './authors/directory.ts';
import { createSectorService } from './sectors/service.ts';
import { createSectorsApi } from './sectors/api.ts';
import { createSectorsAdmin } from './admin/sectors.ts';
import { readHighlights } from './site/highlights.ts';
import { createSearchService, createSearchRoutes, createMediaSearchApi, type SearchPreload, type SearchService } from './search/index.ts';
import { createKeywordService, createKeywordRoutes, createKeywordsAdmin, type KeywordService } from './keywords/index.ts';
import { createPluginManager, type PluginManager } from './plugins/manager.ts';
import { createPluginsAdmin } from './admin/plugins.ts';
import { createAccountsPage, createHomepagePage, createMediaDisplayPage, createSearchPage, createSkeletonPage } from './admin/config-pages.ts';
import { createLogoRoutes, logoDefersCsrf } from './admin/logo.ts';
import { createNavigation } from './site/navigation.ts';
import { createMediaRoutes, createPublicationScheduler, createViewCounter, defersCsrf, mediaPageId, type MediaService, type PublicationScheduler, type ViewCounter } from './media/index.ts';
import { logoUrl, readSkeleton } from './settings/skeleton.ts';
import { readSearchSettings } from './settings/search.ts';
import { readMediaDisplay } from './settings/media-display.ts';
import { readAccountsSettings } from './settings/accounts.ts';

export const ROOT_DIR = path.resolve(import.meta.dirname, '..');
export const SESSION_COOKIE = 'kiosque.sid';
/** How often media page views are written to the store (they are also written when the app closes). */
export const VIEWS_FLUSH_MS = 60_000;

/** Paths whose GET pages need a session even for an anonymous visitor (a CSRF token goes into it). */
export const sessionPaths = ['/login', '/logout', '/register', '/password', '/setup', '/plugins'];

const noCookies: Record<string, string> = Object.freeze(Object.create(null) as Record<string, string>);

export interface AppDeps {
  config: Config;
  store: Store;
  logger: Logger;
  /** Where themes/ and plugins/ are resolved from when the config gives relative paths. */
  rootDir?: string;
  /** Where `kiosque-plugin-*` packages are looked for (default: <rootDir>/node_modules). */
  pluginPackagesDir?: string;
  /** The search index's text half, built while the store loaded (see core/search/preload.ts). */
  searchPreload?: SearchPreload;
  /** The clock scheduled publications and password reset links follow (epoch ms); Date.now by default. */
  now?: () => number;
  /** How mail leaves (default: SMTP at `mail.smtpUrl`; none while it is empty, and then no mail is sent). */
  mailTransport?: MailTransport;
}

/** What tests, the CLI and the server reach besides the Express app itself. */
export interface Runtime {
  setup: SetupState;
  hooks: Hooks;
  slots: Slots;
  /** Plugins' stylesheets and scripts on every public page. */
  headAssets: HeadAssets;
  i18n: I18n;
  engine: ViewEngine;
  users: UserService;
  render: RenderPage;
  /** Media code calls search.upsert(media) / search.remove(id) after every change. */
  search: SearchService;
  keywords: KeywordService;
  plugins: PluginManager;
  media: MediaService;
  /** Media page views, flushed to the store every minute and at close. */
  views: ViewCounter;
  /** Rendered pages for anonymous visitors; `bump()` after a change the store does not see. */
  pageCache: PageCache;
  /** Publishes drafts at their scheduled time. */
  scheduler: PublicationScheduler;
  /** Sends mail; undefined while mail is off (then nothing that needs it is offered). */
  mail?: Mailer;
  /** Stops background work and the app's listening to the store; the store is the caller's to close. */
  close(): Promise<void>;
}

export type KiosqueApp = Express & { kiosque: Runtime };

/** Kiosque's own version, which plugin manifests' `kiosque` ranges are checked against. */
function coreVersion(): string {
  return (JSON.parse(readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8')) as { version: string }).version;
}

async function sessionSecret(config: Config, store: Store): Promise<string> {
  if (config.session.secret) return config.session.secret;
  const kept = await store.settings.get<string>(SESSION_SECRET_SETTING);
  if (kept) return kept;
  const secret = randomBytes(48).toString('base64url');
  await store.settings.set(SESSION_SECRET_SETTING, secret);
  return secret;
}

function coreMenu(t: (key: string) => string): AdminMenuItem[] {
  return [
    { section: 'site', href: '/admin', label: t('admin.menu.dashboard'), roles: ['admin', 'editor'] },
    { section: 'content', href: '/admin/media', label: t('admin.media.menu'), roles: ['admin', 'editor'] },
    { section: 'site', href: '/admin/users', label: t('admin.menu.users'), roles: ['admin'] },
    { section: 'config', href: '/admin/config/skeleton', label: t('admin.menu.skeleton'), roles: ['admin'] },
    { section: 'config', href: '/admin/config/homepage', label: t('admin.menu.homepage'), roles: ['admin'] },
    { section: 'config', href: '/admin/config/sectors', label: t('admin.menu.sectors'), roles: ['admin'] },
    { section: 'config', href: '/admin/config/media', label: t('admin.menu.media_display'), roles: ['admin'] },
    { section: 'config', href: '/admin/config/search', label: t('admin.menu.search'), roles: ['admin'] },
    { section: 'config', href: '/admin/config/accounts', label: t('admin.menu.accounts'), roles: ['admin'] },
    { section: 'content', href: '/admin/keywords', label: t('admin.keywords.title'), roles: ['admin', 'editor'] },
    { section: 'site', href: '/admin/plugins', label: t('admin.menu.plugins'), roles: ['admin'] },
    { section: 'site', href: '/admin/backup', label: t('admin.menu.backup'), roles: ['admin'] },
  ];
}

/**
 * Builds a Kiosque app on the given config and store, with no global state. What it subscribes to
 * on the store ends with `close()`, or at once if building fails: a host may build app after app on one store.
 */
export async function createApp(deps: AppDeps): Promise<KiosqueApp> {
  const closing = new AbortController();
  try {
    return await buildApp(deps, closing);
  } catch (err) {
    closing.abort();
    throw err;
  }
}

async function buildApp(deps: AppDeps, closing: AbortController): Promise<KiosqueApp> {
  const { config, store, logger } = deps;
  const { signal } = closing;
  const rootDir = deps.rootDir ?? ROOT_DIR;
  const themesDir = path.resolve(rootDir, config.themesDir);
  const cache = process.env.NODE_ENV !== 'development';

  const i18n = createI18n(loadDictionaries(path.join(ROOT_DIR, 'core', 'i18n')));
  // A plugin's code failing while it runs is shown to the admin on the plugins page (the manager comes later).
  const hooks = createHooks(logger, (owner, kind, hook, err) => plugins.reportFailure(owner, kind, hook, err));
  const slots = createSlots((err, owner, slot) => {
    logger.error({ err, plugin: owner, slot }, 'slot template failed');
    plugins.reportFailure(owner, 'slot', slot, err);
  });
  const headAssets = createHeadAssets();
  const engine = createViewEngine({ themesDir, cache, helpers: createHelpers({ i18n, slots }) });
  const users = createUserService(store);
  const search = await createSearchService({ store, hooks, preload: deps.searchPreload });
  const keywords = createKeywordService({ store, search, signal });
  // The tag group's title is data the admin may change; until they do, it speaks the site's language.
  const tagsTitles = languages.map((l) => i18n.t(l, 'keywords.tags_group'));
  const retitleTags = (lang: Language) => keywords.retitleTagsGroup(tagsTitles, i18n.t(lang, 'keywords.tags_group'));
  const siteLanguage = (await readSkeleton(store)).language;
  await keywords.ensureTagsGroup(i18n.t(siteLanguage, 'keywords.tags_group'));
  await retitleTags(siteLanguage);

  // Scripted installs: create the first admin from the environment when no user exists.
  if ((await store.users.count()) === 0 && config.admin.username && config.admin.password) {
    try {
      await users.create({ username: config.admin.username, password: config.admin.password, role: 'admin' });
    } catch (err) {
      if (!(err instanceof UserInputError)) throw err;
      // The service's error carries only an i18n code: say which setting to fix, in words.
      const setting = err.field === 'password' ? 'KIOSQUE_ADMIN_PASSWORD (admin.password)' : 'KIOSQUE_ADMIN_USERNAME (admin.username)';
      throw new Error(`Cannot create the first admin from ${setting}: ${i18n.t('en', `errors.${err.code}`, err.vars)}`, { cause: err });
    }
    logger.info({ username: config.admin.username }, 'created the first admin from KIOSQUE_ADMIN_USERNAME');
  }
  const setup = createSetupState(users, (await users.hasAdmin()) ? null : newSetupToken());

  const secureCookie = (req: Request) => (config.session.secureCookie === 'always' ? true : config.session.secureCookie === 'never' ? false : req.secure);
  const csrf = csrfSync({
    getTokenFromRequest: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      const fromBody = typeof body?._csrf === 'string' ? body._csrf : undefined;
      const header = req.headers['x-csrf-token'];
      return fromBody ?? (typeof header === 'string' ? header : undefined);
    },
    // Signing out without being signed in changes nothing, and an expired session must not strand the visitor on a 403.
    // Multipart forms (media uploads, the logo) carry their token in the body: checked after multer has read it.
    skipCsrfProtection: (req) => (req.path === '/logout' && !req.user) || defersCsrf(req) || logoDefersCsrf(req),
  });
  const passport = createPassport(store, createDummyHash());
  // Whether a visitor could open a path (the access gate's rules): pages leave out links they could not follow.
  const canSee = createAccessCheck({ hooks });
  const plugins = createPluginManager({
    store,
    hooks,
    slots,
    headAssets,
    // Plugin pages render through core's renderer, made below (it needs the plugins' admin menu).
    render: (...args) => render(...args),
    canOpen: canSee,
    refuse: (req, res, status) => errors.sendError(req, res, status),
    i18n,
    logger,
    coreVersion: coreVersion(),
    pluginsDir: path.resolve(rootDir, config.pluginsDir),
    packagesDir: deps.pluginPackagesDir ?? path.join(rootDir, 'node_modules'),
  });
  await plugins.start();
  // Plugin settings pages appear in the menu only while their plugin is enabled.
  const adminMenu = createAdminMenu({ hooks, i18n, coreItems: (t, lang) => [...coreMenu(t), ...plugins.menuItems(lang)] });
  const sectors = createSectorService(store, { search });
  const navigation = createNavigation({ store, sectors, search, hooksVersion: () => hooks.version, signal });
  const render = createRenderer({ engine, logger, hooks, i18n, csrfToken: (req) => csrf.generateToken(req), adminMenu, navigation, canSee, baseUrl: config.baseUrl, headAssets: () => headAssets.list() });
  // Media page views: the media page counts the ones it renders, the page cache the ones it serves.
  const views = createViewCounter({ store, viewsChanged: search.setViews, logger, flushMs: VIEWS_FLUSH_MS });
  const pageCache = createPageCache({
    enabled: cache,
    sessionCookie: SESSION_COOKIE,
    // Search results: one page per query, so a crawler walking facet links evicts its own pages only.
    classes: { search: { maxEntries: 500, maxBytes: 16 * 1024 * 1024 } },
    versions: () => `${hooks.version}:${slots.version}:${headAssets.version}:${search.index.version}:${engine.version}`,
    onHit: (req) => {
      const id = req.method === 'GET' ? mediaPageId(req.path) : undefined;
      if (id) views.record(id, { ip: req.ip, userAgent: req.headers['user-agent'] });
    },
  });
  // Read on every request by the site context, and by every /search and keyword page (validating
  // the stored settings is not free either): kept until the settings change, handed out synchronously.
  const currentSkeleton = cachedRead(store, ['settings'], () => readSkeleton(store), { signal });
  const currentMediaDisplay = cachedRead(store, ['settings'], () => readMediaDisplay(store), { signal });
  const currentSearchSettings = cachedRead(store, ['settings'], () => readSearchSettings(store), { signal });
  const registration = cachedRead(store, ['settings'], async () => (await readAccountsSettings(store)).registration, { signal });
  onStoreChange(store, () => pageCache.bump(), { signal });
  // Who has an author page: the page, its feed, the sitemap and media pages' links ask the same.
  const authors = createAuthorDirectory({ store, search, mediaDisplay: currentMediaDisplay });
  const errors = createErrorHandlers({ render, i18n, logger });
  const mailTransport = deps.mailTransport ?? smtpTransport(config.mail);
  const mail = mailTransport ? createMailer({ transport: mailTransport, from: config.mail.from, logger }) : undefined;

  const app = express() as KiosqueApp;
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  // Node's querystring: repeated keys become arrays (?kw=a&kw=b), nothing else is nested. qs (the
  // 'extended' parser) also built objects from brackets, which no route wants, at four times the cost.
  app.set('query parser', 'simple');

  // A page served from the anonymous page cache is logged at debug level: formatting and writing an
  // info line was a third of the cost of such a request. Set KIOSQUE_LOG_LEVEL=debug to see them.
  const parseCookies = cookieParser();
  app.use(
    series(
      createRequestLog({ logger, level: (res) => (res.locals?.pageCacheHit ? 'debug' : 'info') }),
      createSecurityHeaders(helmetOptions({ hsts: config.session.secureCookie === 'always' })),
      // Most page views carry no cookie at all: they share one empty, frozen jar.
      (req, res, next) => {
        if (req.headers.cookie) return parseCookies(req, res, next);
        req.cookies = noCookies;
        req.signedCookies = noCookies;
        next();
      },
    ),
  );
  const sessionChain = [
    session({
      name: SESSION_COOKIE,
      secret: await sessionSecret(config, store),
      store: new KiosqueSessionStore(store, config.session.maxAgeHours * 3600 * 1000),
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: config.session.maxAgeHours * 3600 * 1000, path: '/' },
    }),
    (req: Request, _res: Response, next: NextFunction) => {
      // express-session's `secure: 'auto'` follows req.secure; 'always'/'never' override it.
      if (req.session?.cookie && config.session.secureCookie !== 'auto') req.session.cookie.secure = config.session.secureCookie === 'always';
      next();
    },
    // Signing in and out (req.logIn/logOut) happens only on requests that take this chain.
    passport.initialize(),
    passport.session(),
  ];
  // An anonymous visitor reading pages neither creates nor loads a session: no cookie, no store
  // read, and the page cache can answer. Any other method, or a page that puts a CSRF token in
  // the session (sessionPaths), goes through the session as usual.
  const withSession = series(...sessionChain);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const readOnly = req.method === 'GET' || req.method === 'HEAD';
    const path = readOnly && isAnonymous(req, SESSION_COOKIE) ? normalizePath(req.path) : null;
    if (path !== null && !sessionPaths.some((p) => isUnder(path, p))) return next();
    withSession(req, res, next);
  });
  app.use(series(createSiteContext({ store, engine, secureCookie, skeleton: currentSkeleton, mediaDisplay: currentMediaDisplay }), createAccessGate({ hooks, logger, needsSetup: () => setup.pending() })));

  const assets = createThemeAssets({ themesDir, engine, cache });
  // Straight after the gate, so a cached page or a media file costs as few layers as possible.
  const mediaRoutes = createMediaRoutes({ config, store, logger, hooks, i18n, render, isCsrfValid: csrf.isRequestValid, search, views, canSee, authors, signal, now: deps.now });
  app.use('/files', mediaRoutes.files);
  app.use(pageCache.middleware);
  app.use('/assets', assets);
  app.use('/plugins/:pluginId/assets', createPluginAssets({ assetsDir: (id) => plugins.assetsDir(id), cache }));
  const bodyAndCsrf = series(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 500 }), express.json({ limit: '1mb' }), csrf.csrfSynchronisedProtection);
  // Reading requests carry no body to parse and no CSRF token to check (csrf-sync ignores these
  // methods too): they skip the layer, which was a tenth of the middleware cost of a search page.
  app.use((req: Request, res: Response, next: NextFunction) => (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' ? next() : bodyAndCsrf(req, res, next)));

  // The search page and API first: the public pages that are rendered on every request (the others
  // mostly come from the page cache) then pass no other router on their way. Paths do not overlap.
  const resolveKeyword = async (ref: string) => keywords.resolve(ref).then((k) => k && { id: k.id, ref: k.ref, title: k.title, groupTitle: k.group.title });
  app.use(createSearchRoutes({ store, search, render, i18n, resolveKeyword, settings: currentSearchSettings, signal }), createMediaSearchApi({ store, search, i18n, resolveKeyword, signal }));
  app.use(createAuthRoutes({ config, users, passport, render, i18n, registration, passwordReset: !!mail }));
  if (mail) {
    const resets = createPasswordResets({ store, users, now: deps.now });
    app.use(createPasswordResetRoutes({ auth: config.auth, baseUrl: config.baseUrl, store, users, resets, mailer: mail, render, i18n }));
  }
  app.use(createRegisterRoutes({ auth: config.auth, users, render, i18n, registration }));
  app.use(createAccountRoutes({ auth: config.auth, users, render, i18n }));
  app.use(createSetupRoutes({ state: setup, users, render, i18n }));
  app.use(createSiteRoutes({ store, search, render, i18n, hooks, assets, baseUrl: config.baseUrl, signal }));
  app.use(createSitemapRoutes({ store, search, authors, i18n, baseUrl: config.baseUrl }));
  // What the homepage highlights show: the pages deleting sectors and keywords say when that goes.
  const highlights = () => readHighlights(store);
  app.use(underPath('/admin', createUsersAdmin({ store, users, render, i18n, mail, baseUrl: config.baseUrl })));
  app.use(underPath('/admin', createBackupAdmin({ store, filesDir: path.resolve(config.dataDir, 'files'), render, i18n, logger })));
  app.use(underPath('/admin', createSectorsAdmin({ sectors, render, i18n, highlights })));
  app.use(createFeedRoutes({ store, search, sectors, keywords, authors, i18n, baseUrl: config.baseUrl, signal }));
  app.use(createOembedRoutes({ store, i18n, baseUrl: config.baseUrl, canSee }));
  app.use(createSectorPages({ store, sectors, search, render, i18n }), createSectorsApi({ sectors, search }));
  app.use(createAuthorPages({ store, authors, search, render, i18n }));
  app.use(createKeywordRoutes({ store, keywords, search, render, i18n, settings: currentSearchSettings }), underPath('/admin', createKeywordsAdmin({ keywords, render, i18n, highlights })));
  app.use(underPath('/admin', createPluginsAdmin({ plugins, render, i18n })));
  const pageDeps = { store, render, i18n, engine };
  const skeletonPage = createSkeletonPage({
    ...pageDeps,
    languageChanged: retitleTags,
    skeletonExtra: async () => {
      const skeleton = await readSkeleton(store);
      return { logo: { url: logoUrl(skeleton.logo, skeleton.logoBox), box: skeleton.logoBox } };
    },
  });
  app.use(createLogoRoutes({ store, i18n, filesDir: path.resolve(config.dataDir, 'files'), tmpRoot: path.join(store.info.location, 'tmp', 'uploads'), page: skeletonPage, isCsrfValid: csrf.isRequestValid }));
  for (const page of [skeletonPage, createHomepagePage(pageDeps), createMediaDisplayPage(pageDeps), createSearchPage(pageDeps), createAccountsPage(pageDeps)]) app.use(underPath('/admin', page.router));
  // One dispatcher for every plugin: a disabled plugin's routes fall through to the 404 at once.
  app.use('/plugins/:pluginId', (req, res, next) => {
    const id = String(req.params.pluginId);
    const pluginRouter = plugins.router(id);
    // /plugins/<id>/assets/… is the plugin's files' (served above), never its routes'.
    if (!pluginRouter || isUnder(String(res.locals.accessPath), `/plugins/${id.toLowerCase()}/assets`)) return next();
    res.locals.plugin = id;
    pluginRouter(req, res, (err?: unknown) => {
      // 'route' and 'router' are Express's ways out of a router, not failures.
      if (err && err !== 'route' && err !== 'router') plugins.reportFailure(id, 'route', `${req.method} ${req.originalUrl.split('?')[0]}`, err);
      next(err);
    });
  });
  app.use(mediaRoutes);

  app.use(errors.notFound);
  app.use(errors.errorHandler);

  // Last, so that nothing after it can fail and leave it running: overdue drafts go out now.
  const scheduler = createPublicationScheduler({ store, publish: (id) => mediaRoutes.media.publishScheduled(id), logger, now: deps.now });
  await scheduler.start();

  app.kiosque = {
    setup,
    hooks,
    slots,
    headAssets,
    i18n,
    engine,
    users,
    render,
    search,
    keywords,
    plugins,
    media: mediaRoutes.media,
    views,
    pageCache,
    scheduler,
    mail,
    async close() {
      await scheduler.stop();
      // Messages already handed over go out (or fail, logged) before the transport closes.
      await mail?.idle();
      mailTransport?.close();
      await views.close();
      closing.abort();
      plugins.close();
      await mediaRoutes.media.close();
    },
  };
  return app;
}
