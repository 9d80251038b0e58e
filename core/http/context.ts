import type { NextFunction, Request, Response } from 'express';
import type { Store } from '../store/index.ts';
import { languages, negotiateLanguage } from '../i18n/index.ts';
import { readSkeleton, type SkeletonSettings } from '../settings/skeleton.ts';
import { readMediaDisplay, type MediaDisplaySettings } from '../settings/media-display.ts';
import type { ViewEngine } from '../views/engine.ts';
import type { RequestSite } from '../views/render.ts';

export const LANG_COOKIE = 'kiosque_lang';

/** Distinct Accept-Language strings remembered; browsers send a handful, so this rarely fills. */
const ACCEPT_CACHE_MAX = 500;

function mayHoldLang(url: string): boolean {
  const q = url.indexOf('?');
  if (q < 0) return false;
  const query = url.slice(q + 1);
  if (query.includes('lang')) return true;
  if (!query.includes('%')) return false;
  // An escaped name could spell "lang" (l%61ng); escapes in values cannot (a search's words are escaped).
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    if ((eq < 0 ? part : part.slice(0, eq)).includes('%')) return true;
  }
  return false;
}

/** Per request: the site settings, the theme in force and the visitor's language (res.locals.site). */
export function createSiteContext(deps: {
  store: Store;
  engine: ViewEngine;
  secureCookie: (req: Request) => boolean;
  /**
   * A cached reader (see core/app.ts) that answers synchronously once it has the settings, so the
   * common request takes no asynchronous hop here; by default the store is read on every request.
   */
  skeleton?: () => SkeletonSettings | Promise<SkeletonSettings>;
  /** Likewise for the media display settings. */
  mediaDisplay?: () => MediaDisplaySettings | Promise<MediaDisplaySettings>;
}) {
  const skeletonOf = deps.skeleton ?? (() => readSkeleton(deps.store));
  const mediaDisplayOf = deps.mediaDisplay ?? (() => readMediaDisplay(deps.store));
  // The best of our languages for an Accept-Language string: negotiator's parse, once per string.
  const accepted = new Map<string, string | false>();
  const acceptedFor = (req: Request, header: string): string | false => {
    let best = accepted.get(header);
    if (best === undefined) {
      best = req.acceptsLanguages(...languages);
      if (accepted.size >= ACCEPT_CACHE_MAX) accepted.clear();
      accepted.set(header, best);
    }
    return best;
  };

  function withSettings(req: Request, res: Response, next: NextFunction, settings: SkeletonSettings, mediaDisplay: MediaDisplaySettings): void {
    // A copy per request: templates and page.context filters may change it without leaking.
    const skeleton = { ...settings };
    const mayChoose = skeleton.visitorsMayChooseLanguage;
    const { lang, remember } = negotiateLanguage({
      siteLanguage: skeleton.language,
      visitorsMayChoose: mayChoose,
      // Only a query string holding "lang" (or an escape, which could spell it) can carry ?lang=:
      // the others are not parsed here (Express 5 parses req.query anew on every read).
      query: mayChoose && mayHoldLang(req.url) ? req.query.lang : undefined,
      cookie: (req.cookies as Record<string, unknown> | undefined)?.[LANG_COOKIE],
      accepted: () => {
        const header = req.headers['accept-language'];
        return header ? acceptedFor(req, header) : false;
      },
    });
    if (remember) {
      res.cookie(LANG_COOKIE, remember, { httpOnly: true, sameSite: 'lax', secure: deps.secureCookie(req), maxAge: 365 * 24 * 3600 * 1000, path: '/' });
    }
    const site: RequestSite = { lang, skeleton, mediaDisplay: { ...mediaDisplay }, theme: deps.engine.chain(skeleton.theme)[0]! };
    res.locals.site = site;
    res.setHeader('Content-Language', lang);
    next();
  }

  return (req: Request, res: Response, next: NextFunction): void | Promise<void> => {
    const settings = skeletonOf();
    const display = mediaDisplayOf();
    if (!(settings instanceof Promise) && !(display instanceof Promise)) return withSettings(req, res, next, settings, display);
    return Promise.all([settings, display]).then(([s, d]) => withSettings(req, res, next, s, d));
  };
}
