import type { NextFunction, Request, Response } from 'express';
import type { Store } from '../store/index.ts';
import { negotiateLanguage } from '../i18n/index.ts';
import { readSkeleton, type SkeletonSettings } from '../settings/skeleton.ts';
import { readMediaDisplay, type MediaDisplaySettings } from '../settings/media-display.ts';
import type { ViewEngine } from '../views/engine.ts';
import type { RequestSite } from '../views/render.ts';

export const LANG_COOKIE = 'kiosque_lang';

/** Per request: the site settings, the theme in force and the visitor's language (res.locals.site). */
export function createSiteContext(deps: {
  store: Store;
  engine: ViewEngine;
  secureCookie: (req: Request) => boolean;
  /** A cached reader (see core/app.ts); by default the store is read on every request. */
  skeleton?: () => Promise<SkeletonSettings>;
  /** Likewise for the media display settings. */
  mediaDisplay?: () => Promise<MediaDisplaySettings>;
}) {
  const skeletonOf = deps.skeleton ?? (() => readSkeleton(deps.store));
  const mediaDisplayOf = deps.mediaDisplay ?? (() => readMediaDisplay(deps.store));
  return async (req: Request, res: Response, next: NextFunction) => {
    // A copy per request: templates and page.context filters may change it without leaking.
    const skeleton = { ...(await skeletonOf()) };
    const { lang, remember } = negotiateLanguage({
      siteLanguage: skeleton.language,
      visitorsMayChoose: skeleton.visitorsMayChooseLanguage,
      query: req.query.lang,
      cookie: (req.cookies as Record<string, unknown> | undefined)?.[LANG_COOKIE],
      accepted: (langs) => (req.headers['accept-language'] ? req.acceptsLanguages(...langs) : false),
    });
    if (remember) {
      res.cookie(LANG_COOKIE, remember, { httpOnly: true, sameSite: 'lax', secure: deps.secureCookie(req), maxAge: 365 * 24 * 3600 * 1000, path: '/' });
    }
    const site: RequestSite = { lang, skeleton, mediaDisplay: { ...(await mediaDisplayOf()) }, theme: deps.engine.chain(skeleton.theme)[0]! };
    res.locals.site = site;
    res.setHeader('Content-Language', lang);
    next();
  };
}
