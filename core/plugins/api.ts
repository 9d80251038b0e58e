/**
 * Kiosque's public plugin API: the only core module a plugin may import.
 * Everything else reaches a plugin through the context its `register()` receives.
 */
import type { Request, RequestHandler, Response, Router } from 'express';
import type { Logger } from 'pino';
import type { AccessDecision, AccessRequest } from '../http/access-gate.ts';
import type { FilterName, ActionName } from './hooks.ts';
import type { SlotName } from '../views/slots.ts';
import type { Language } from '../i18n/index.ts';
import type { MediaStatus, Role } from '../store/types.ts';
import type { MediaCard } from '../search/view-model.ts';

export type { AccessDecision, AccessRequest } from '../http/access-gate.ts';
export type { FilterName, ActionName } from './hooks.ts';
export type { SlotName } from '../views/slots.ts';
export type { Language } from '../i18n/index.ts';
export type { MediaStatus, Role } from '../store/types.ts';

/** Text in the admin's language: a plain string, or one per language (English is the fallback). */
export type LocalisedText = string | ({ en: string } & Partial<Record<Language, string>>);

interface FieldBase {
  key: string;
  label: LocalisedText;
  help?: LocalisedText;
  required?: boolean;
}

export interface SelectOption {
  value: string;
  label: LocalisedText;
  /** The language the label is written in, when it may not be the page's (a language's own name, « Français »): read aloud in it. */
  lang?: string;
}

/** Formats a `lines` setting can require of each line. */
export type LineFormat = 'text' | 'path-pattern' | 'cidr' | 'id' | 'regex';

/** A declared setting: drives the admin form, the server-side validation and the typed values. */
export type SettingField =
  | (FieldBase & { type: 'text'; default?: string; maxLength?: number; pattern?: string })
  | (FieldBase & { type: 'textarea'; default?: string; maxLength?: number })
  | (FieldBase & { type: 'number'; default?: number; min?: number; max?: number; step?: number; integer?: boolean })
  | (FieldBase & { type: 'boolean'; default?: boolean })
  | (FieldBase & { type: 'select'; default?: string; options: SelectOption[] })
  | (FieldBase & { type: 'multiselect'; default?: string[]; options: SelectOption[]; maxItems?: number })
  /** Some of the options, in an order the admin picks (one select per position). */
  | (FieldBase & { type: 'ordered'; default?: string[]; options: SelectOption[]; maxItems?: number })
  | (FieldBase & { type: 'lines'; default?: string[]; format?: LineFormat; maxLines?: number; maxLength?: number })
  | (FieldBase & { type: 'color'; default?: string });

export type SettingType = SettingField['type'];
export type SettingValues = Record<string, unknown>;

/** Signatures of the filters core runs (value first, then context). */
export interface FilterSignatures {
  access: (decision: AccessDecision, request: AccessRequest) => AccessDecision | Promise<AccessDecision>;
  'robots.txt': (text: string) => string | Promise<string>;
  'page.context': (context: Record<string, unknown>, info: { template: string | undefined; path: string }) => Record<string, unknown> | Promise<Record<string, unknown>>;
  'admin.menu': (items: AdminMenuEntry[], info: { lang: Language }) => AdminMenuEntry[] | Promise<AdminMenuEntry[]>;
  'search.query': (criteria: Record<string, unknown>) => Record<string, unknown> | Promise<Record<string, unknown>>;
  'search.results': (results: Record<string, unknown>) => Record<string, unknown> | Promise<Record<string, unknown>>;
  'media.accept': (verdict: { accept: boolean; message?: string }, upload: Record<string, unknown>) => { accept: boolean; message?: string } | Promise<{ accept: boolean; message?: string }>;
  'media.variants': (variants: Array<Record<string, unknown>>, media: Record<string, unknown>) => Array<Record<string, unknown>> | Promise<Array<Record<string, unknown>>>;
}

export interface AdminMenuEntry {
  /** Section key: `site`, `content`, `config`, `plugins` (plugin settings), or one a plugin adds. */
  section: string;
  href: string;
  label: string;
  roles: Role[];
}

/**
 * What a plugin may know about a media item without seeing its content: enough to decide on it
 * and to name and link it (a moderation list), never its description or files.
 */
export interface MediaSummary {
  id: string;
  status: MediaStatus;
  sectorId: string | null;
  title: string;
  /** Its page is `/media/<id>/<slug>`. */
  slug: string;
}

/**
 * A media as the theme's lists show it (the `media-card` partial's data, the one core's own lists
 * use): its page (`href`), `title`, `type` (image, audio, video, document), `when` (publication
 * date, ISO), `thumb` (the thumbnail's address, or null) with `thumbWidth` and `thumbHeight`
 * (pixels, or null), `status` (`published`, or `draft` when asked for drafts) and `views`.
 */
export type { MediaCard } from '../search/view-model.ts';

export interface SectorSummary {
  id: string;
  slug: string;
  visible: boolean;
}

/** How `ctx.views.render` shows a plugin's page. */
export interface PluginPageOptions {
  /** The page's title, already in the visitor's language; the layout adds the site's name. */
  title?: string;
  /** HTTP status (default 200). */
  status?: number;
  /** Give the page a CSRF token (`{{csrfToken}}`) even for a visitor who is not signed in: a form anyone may post. */
  csrf?: boolean;
  /** Files of the plugin's `assets/` folder linked from this page's head (`'hello.css'`). */
  stylesheets?: string[];
  /** Files of the plugin's `assets/` folder loaded by this page (`<script defer>`). */
  scripts?: string[];
  /**
   * Let the anonymous page cache keep this page (default false). Kept pages are dropped on every
   * change to the store (the plugin's settings and storage included) and on every plugin toggle,
   * but not when something else the page shows changes (time, another site): opt in only for a
   * page made of the plugin's settings, storage and templates alone.
   */
  cache?: boolean;
  /**
   * Offer the page to search engines and link previews, as the site's public pages are: its
   * address as the canonical one (path only), `description` (Markdown or plain text; default: the
   * site's), OpenGraph and Twitter card tags. Without it the page says `noindex`, as every page that
   * does not ask. A page closed by an access rule (`Cache-Control: private`) stays `noindex` anyway.
   */
  share?: { description?: string };
  /**
   * `admin`: draw the page in the administration's layout (its menu, the admin's language and
   * theme fallback), for a management page of the plugin: `noindex`, `Cache-Control: private,
   * no-store`, never kept by the page cache, no plugin's site-wide stylesheet or script (only this
   * page's own `stylesheets` and `scripts`). The layout writes `title` as the page's `<h1>`.
   * Only administrators and editors get it: anyone else is answered as the admin area answers them
   * (a visitor's GET: the sign-in page, then back; a member: 403) and the template is not rendered.
   * The route still checks `req.user.role` itself before reading or changing anything.
   * `share` is ignored. Default `site`: the site's public layout.
   */
  layout?: 'site' | 'admin';
}

export interface PluginContext {
  readonly id: string;
  hooks: {
    /** Lower priority runs first (default 10). Unknown names throw. */
    filter<N extends FilterName>(name: N, fn: N extends keyof FilterSignatures ? FilterSignatures[N] : never, priority?: number): void;
    action(name: ActionName, fn: (...args: unknown[]) => unknown): void;
  };
  /** Mounted at /plugins/<id>/ while the plugin is enabled; behind the access gate and CSRF like every route. */
  router: Router;
  settings: {
    /**
     * The saved values, validated against the manifest, with defaults filled in. Throws when the
     * saved values no longer match the declaration (the admin sees why on the plugins page), so
     * code that guards something fails closed.
     */
    get<T extends SettingValues = SettingValues>(): T;
    /** Called after the admin saved new values (they are already what get() returns). */
    onChange(fn: (values: SettingValues) => void | Promise<void>): void;
  };
  /** Read-only lookups into the portal's content. */
  content: {
    media(id: string): Promise<MediaSummary | undefined>;
    /**
     * The cards of the media `ids` names, in that order, for the visitor of `req`: only the
     * published media the access rules let them open (`ctx.access.canOpen` of `/media/<id>`);
     * unknown ids, drafts and what is closed to them are left out, so nothing of theirs shows
     * (not even in a count). `drafts: true` also keeps the drafts this visitor may open in core
     * (administrators and editors, a draft's author): for a management page, where they show as drafts.
     */
    cards(req: Request, ids: readonly string[], options?: { drafts?: boolean }): Promise<MediaCard[]>;
    /** By id or by slug. */
    sector(idOrSlug: string): Promise<SectorSummary | undefined>;
  };
  /** Private key/value storage in the store. */
  storage: {
    get<T = unknown>(key: string): Promise<T | undefined>;
    set(key: string, value: unknown): Promise<void>;
    delete(key: string): Promise<void>;
    /** The keys stored, in no particular order; with `prefix`, only those starting with it. */
    keys(prefix?: string): Promise<string[]>;
  };
  /** The access gate's rules, asked ahead of time. */
  access: {
    /**
     * Whether the visitor of `req` could open `path` (a site path, `/media/12`) with a GET: core's
     * rules and every plugin's `access` filter, as the gate would decide. A filter that throws
     * means no. Route status checks are not part of it: a draft is the plugin's to refuse.
     */
    canOpen(req: Request, path: string): Promise<boolean>;
    /**
     * Middleware for a plugin's management routes (`ctx.router.use('/manage', ctx.access.staffOnly)`):
     * lets administrators and editors through, answers anyone else as the admin area does (a
     * visitor's page: the sign-in page, then back; a visitor's other request: 401; a member: 403).
     */
    staffOnly: RequestHandler;
  };
  views: {
    /** Adds a Handlebars template to a named theme slot (`{{t "plugin.<id>.key"}}` works inside). */
    slot(name: SlotName, template: string): void;
    /**
     * Answers `req` with one of the plugin's pages inside the site's layout (header, navigation,
     * footer, the visitor's language, the theme), as core renders its own: `template` is
     * `views/pages/<template>.hbs` in the plugin's folder, unless the active theme (or `default`)
     * has `plugins/<id>/<template>.hbs`. The template sees `page` (= `data`), `lang`, `user`,
     * `pluginPage.assets` (the assets folder's address) and the core helpers (`{{t "plugin.<id>.key"}}`);
     * `page.context` filters run on it. Rejects when the template cannot be rendered: from a route,
     * that is the site's error page.
     */
    render(req: Request, res: Response, template: string, data?: Record<string, unknown>, options?: PluginPageOptions): Promise<void>;
    /** Links a file of the plugin's `assets/` folder from the head of every public page (not the admin area). Throws if there is no such file. */
    stylesheet(file: string): void;
    /** Loads a file of the plugin's `assets/` folder (`<script defer>`) on every public page. Throws if there is no such file. */
    script(file: string): void;
    /** The address of a file of the plugin's `assets/` folder (`/plugins/<id>/assets/<file>`). Throws if there is no such file. */
    asset(file: string): string;
  };
  i18n: {
    /** Strings become `plugin.<id>.<key>`; the plugin folder's i18n/<lang>.json are added automatically. */
    add(strings: Partial<Record<Language, Record<string, unknown>>>): void;
    /** `key` is relative to the plugin (`greeting` reads `plugin.<id>.greeting`). */
    t(lang: Language, key: string, vars?: Record<string, unknown>): string;
    /**
     * The language core's pages speak to the visitor of `req`, a request to one of the plugin's
     * routes: `?lang=`, else their remembered choice, else their browser's (while the skeleton lets
     * visitors choose), else the site's.
     */
    languageOf(req: Request): Language;
  };
  /** Reports a problem the admin should see on the plugins page (null clears it). */
  health(problem: string | null): void;
  log: Logger;
}

export interface PluginDefinition {
  register(ctx: PluginContext): void | Promise<void>;
}

export { cidrMatcher, matchesPathPattern } from './matchers.ts';
export { oembedMediaId } from '../oembed/subject.ts';
/** Lower-case ASCII words joined by dashes, accents folded, as core makes its slugs ("Médias d’été" → "medias-d-ete"); may be '' (a title of symbols only). */
export { slugify } from '../text/slugify.ts';
/** Text folded as search folds it: lower case, accents removed, ligatures spelled out ("Été" and "ete" fold alike); for "the same whatever its case and accents". */
export { fold as foldText } from '../search/fold.ts';
/** Runs the tasks given to it one after the other, each once the previous one settled: for a read-change-write of `ctx.storage` that must not interleave with another's. */
export { oneAtATime } from '../util/one-at-a-time.ts';

export function definePlugin(def: PluginDefinition): PluginDefinition {
  return def;
}
