import '../http/augment.ts';
import type { Request, Response } from 'express';
import type { Hooks } from '../plugins/hooks.ts';
import type { I18n, Language } from '../i18n/index.ts';
import { languages } from '../i18n/index.ts';
import type { Logger } from 'pino';
import { DEFAULT_THEME, type ViewEngine } from './engine.ts';
import { logoUrl, type SkeletonSettings } from '../settings/skeleton.ts';
import { safeReturnPath } from '../auth/return-url.ts';
import type { MediaDisplaySettings } from '../settings/media-display.ts';
import { createDescriptionCache, headMeta, type PageShare } from '../site/share-meta.ts';
import { publicOrigin } from '../http/public-origin.ts';
import type { HeadAsset } from './head-assets.ts';

/** What every request knows once the context middleware ran (res.locals.site). */
export interface RequestSite {
  lang: Language;
  skeleton: SkeletonSettings;
  /** What media pages and lists show (/admin/config/media). */
  mediaDisplay: MediaDisplaySettings;
  theme: string;
}

export interface NavItem {
  href?: string;
  label: string;
  children?: Array<{ href: string; label: string }>;
}

/** What the layout shows, from the skeleton settings (hidden blocks, search box position, logo). */
export function layoutChrome(skeleton: SkeletonSettings) {
  const hidden = new Set(skeleton.hiddenBlocks);
  return {
    showSiteTitle: !hidden.has('siteTitle'),
    showSlogan: !hidden.has('slogan') && skeleton.slogan !== '',
    showLogin: !hidden.has('loginBlock'),
    showBreadcrumb: !hidden.has('breadcrumb'),
    searchInHeader: skeleton.searchBoxPosition === 'header',
    searchInNavigation: skeleton.searchBoxPosition === 'navigation',
    logoUrl: logoUrl(skeleton.logo, skeleton.logoBox),
  };
}

export interface RenderOptions {
  status?: number;
  /** Page title (already translated); the layout adds the site name. */
  title?: string;
  /** Give the page a CSRF token even for a visitor who is not signed in (login, setup). */
  csrf?: boolean;
  /** The page's own feeds (a sector's, a keyword's), announced after the site's in the page head. */
  feeds?: Array<{ title: string; href: string }>;
  /** Other forms of the page (a media's oEmbed answers), announced in the page head: absolute addresses. */
  alternates?: Array<{ type: string; title: string; href: string }>;
  layout?: string | false;
  /**
   * What the page tells search engines and sites its link is shared on (description, canonical
   * address, OpenGraph and Twitter card): for public pages meant to be found. A page without it
   * gets `noindex` and no card.
   */
  share?: PageShare;
  /** The robots rule of a page without `share` (search pages: `noindex, follow`); `noindex` by default. */
  robots?: string;
  /**
   * If the active theme fails to render the page (a template with a syntax error, a missing
   * partial), render it with the default theme instead of failing. The admin area always does, so
   * that a broken theme cannot lock the admin out of the page that switches it.
   */
  themeFallback?: boolean;
  /**
   * A plugin's page (ctx.views.render): `names` are the plugin's templates (see the view engine),
   * with the stylesheets and scripts of that page (site paths under /plugins/<id>/assets/).
   */
  plugin?: { id: string; dir: string; stylesheets?: readonly string[]; scripts?: readonly string[] };
  /** A page of the admin area (a plugin's management page): the admin layout and menu. Core's own `admin…` templates are admin pages anyway. */
  admin?: boolean;
}

export type RenderPage = (req: Request, res: Response, names: string[], page: Record<string, unknown>, options?: RenderOptions) => Promise<void>;

export interface RendererDeps {
  engine: ViewEngine;
  logger: Logger;
  hooks: Hooks;
  i18n: I18n;
  csrfToken: (req: Request) => string;
  adminMenu: (req: Request, lang: Language) => Promise<unknown[]>;
  /** The main navigation's entries (visible sectors in order, then the keyword groups the skeleton picks). */
  navigation: (skeleton: SkeletonSettings) => Promise<readonly NavItem[]>;
  /** Whether the visitor may open a path (the access gate's rules): links they may not follow are left out. */
  canSee: (req: Request, path: string) => boolean | Promise<boolean>;
  /** The configured public address (config `baseUrl`) for the head's absolute links; '' or absent: the request's host. */
  baseUrl?: string;
  /** The stylesheets and scripts plugins link from every public page's head. */
  headAssets: () => readonly HeadAsset[];
}

/**
 * Which of `hrefs` this visitor may open. canSee answers at once unless an access filter is
 * registered, so the common case takes no promise per link.
 */
export function openable(req: Request, hrefs: readonly string[], canSee: RendererDeps['canSee']): Set<string> | Promise<Set<string>> {
  const answers = new Map<string, boolean | Promise<boolean>>();
  let pending = false;
  for (const href of hrefs) {
    if (answers.has(href)) continue;
    const answer = canSee(req, href);
    if (typeof answer !== 'boolean') pending = true;
    answers.set(href, answer);
  }
  const yes = (settled: Iterable<readonly [string, boolean]>) => new Set([...settled].filter(([, ok]) => ok).map(([href]) => href));
  if (!pending) return yes(answers as Map<string, boolean>);
  return Promise.all([...answers].map(async ([href, answer]) => [href, await answer] as const)).then(yes);
}

/** The navigation without the links this visitor may not follow (a group without any left goes too). */
function pickNavigation(items: readonly NavItem[], open: Set<string>): NavItem[] {
  const out: NavItem[] = [];
  for (const item of items) {
    const linked = !item.href || open.has(item.href);
    if (!item.children) {
      if (linked) out.push(item);
      continue;
    }
    // A group stays while one of its links is open; its own link goes if that one is not.
    const children = item.children.filter((child) => open.has(child.href));
    if (children.length) out.push(linked ? { ...item, children } : { label: item.label, children });
  }
  return out;
}

const navHrefs = (items: readonly NavItem[]) => items.flatMap((item) => [...(item.href ? [item.href] : []), ...(item.children ?? []).map((c) => c.href)]);

/** The current URL with `?lang=` set to each language. */
function languageLinks(req: Request, lang: Language, enabled: boolean) {
  if (!enabled) return [];
  // Parsed against a dummy origin: a path such as //other.example/x keeps only its path part, and
  // the query comes back percent-encoded. Every `lang` parameter goes, however it is spelled.
  const url = new URL(req.originalUrl, 'http://x');
  const kept = url.search.length > 1 ? url.search.slice(1).split('&').filter((part) => part !== '' && paramName(part) !== 'lang') : [];
  const prefix = `${url.pathname}?${kept.length ? `${kept.join('&')}&` : ''}lang=`;
  return languages.map((code) => ({ code, href: prefix + code, active: code === lang }));
}

/** The sign-in link: back to this page afterwards (the login form checks `return` again). */
function loginHref(originalUrl: string): string {
  const back = safeReturnPath(originalUrl);
  // The setup link carries its one-time token: it has no business in another URL.
  return back === '/' || back.startsWith('/setup') ? '/login' : `/login?return=${encodeURIComponent(back)}`;
}

function paramName(part: string): string {
  const eq = part.indexOf('=');
  const name = eq < 0 ? part : part.slice(0, eq);
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/** Builds the shared page context, lets plugins filter it (`page.context`), and renders through the theme. */
export function createRenderer(deps: RendererDeps): RenderPage {
  const describe = createDescriptionCache();
  return async (req, res, names, page, options = {}) => {
    const site = res.locals.site as RequestSite;
    const user = req.user ?? null;
    const plugin = options.plugin;
    const isAdminArea = options.admin === true || (!plugin && names.some((n) => n.startsWith('admin')));
    const withCsrf = !!(user || options.csrf);
    // A page holding a CSRF token belongs to one session: never keep it in the anonymous page cache.
    if (withCsrf) res.locals.noPageCache = true;
    const nav = await deps.navigation(site.skeleton);
    const feeds = isAdminArea ? [] : [{ title: deps.i18n.t(site.lang, 'feeds.link_site'), href: '/feed' }, ...(options.feeds ?? [])];
    // Plugins style the public site, not the admin area (a broken stylesheet must not hide the switch
    // that disables it): there, only a plugin's own page has its own files.
    const pageAssets = [...(plugin?.stylesheets ?? []).map((href) => ({ kind: 'stylesheet' as const, href })), ...(plugin?.scripts ?? []).map((href) => ({ kind: 'script' as const, href }))];
    const assets: HeadAsset[] = isAdminArea ? pageAssets : [...deps.headAssets(), ...pageAssets];
    const open = await openable(req, ['/search', ...feeds.map((f) => f.href), ...navHrefs(nav), ...assets.map((a) => a.href)], deps.canSee);
    const navigation = pickNavigation(nav, open);
    const chrome = layoutChrome(site.skeleton);
    const share = isAdminArea ? undefined : options.share;
    const head = headMeta({
      share,
      robots: options.robots,
      // Marked private by the route (a draft) or the access rules (the intranet): nobody outside
      // could open it, so nothing is announced to search engines or link previews.
      private: /\bprivate\b/.test(String(res.getHeader('Cache-Control') ?? '')),
      origin: share ? publicOrigin(req, deps.baseUrl ?? '') : undefined,
      lang: site.lang,
      title: options.title,
      site: site.skeleton,
      logo: chrome.logoUrl,
      describe,
    });
    const context: Record<string, unknown> = {
      lang: site.lang,
      site: site.skeleton,
      theme: site.theme,
      user,
      isAdmin: user?.role === 'admin',
      isStaff: user?.role === 'admin' || user?.role === 'editor',
      csrfToken: withCsrf ? deps.csrfToken(req) : undefined,
      requestId: req.id,
      currentPath: req.originalUrl,
      loginHref: user ? undefined : loginHref(req.originalUrl),
      title: options.title,
      languageLinks: languageLinks(req, site.lang, site.skeleton.visitorsMayChooseLanguage),
      adminMenu: isAdminArea && user ? await deps.adminMenu(req, site.lang) : undefined,
      navigation,
      chrome,
      // Links to what this visitor could not open are left out (behind the intranet, the sign-in
      // page offers neither the search box nor the feeds).
      canOpen: { search: open.has('/search'), feed: open.has('/feed') },
      mediaDisplay: site.mediaDisplay,
      // Feed readers and browsers find the feeds from any public page (<link rel="alternate">).
      feeds: feeds.filter((f) => open.has(f.href)),
      alternates: options.alternates ?? [],
      head,
      // Files this visitor may not fetch (a plugin's, behind an intranet's sign-in page) are not linked.
      headAssets: {
        stylesheets: [...new Set(assets.filter((a) => a.kind === 'stylesheet' && open.has(a.href)).map((a) => a.href))],
        scripts: [...new Set(assets.filter((a) => a.kind === 'script' && open.has(a.href)).map((a) => a.href))],
      },
      pluginPage: plugin ? { id: plugin.id, assets: `/plugins/${plugin.id}/assets` } : undefined,
      page,
    };
    const template = plugin ? `plugins/${plugin.id}/${names[0]}` : names[0];
    const filtered = await deps.hooks.applyFilter('page.context', context, { template, path: req.path });
    const layout = options.layout ?? (isAdminArea ? 'admin' : 'main');
    let html: string;
    try {
      html = await deps.engine.render({ theme: site.theme, names, context: filtered, layout, plugin });
    } catch (err) {
      if (site.theme === DEFAULT_THEME || !(options.themeFallback || isAdminArea)) throw err;
      deps.logger.error({ err, theme: site.theme, template, reqId: req.id }, 'theme failed to render the page: rendered with the default theme');
      html = await deps.engine.render({ theme: DEFAULT_THEME, names, context: { ...filtered, theme: DEFAULT_THEME }, layout, plugin });
    }
    res.status(options.status ?? 200).type('html').send(html);
  };
}
