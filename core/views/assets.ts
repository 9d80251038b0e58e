import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ViewEngine } from './engine.ts';
import type { RequestSite } from './render.ts';

/** /assets/…: the active theme's static files, falling back to the default theme's. */
export function createThemeAssets(deps: { themesDir: string; engine: ViewEngine; cache: boolean }) {
  const statics = new Map<string, ReturnType<typeof express.static>>();
  const forTheme = (theme: string) => {
    let mw = statics.get(theme);
    if (!mw) {
      mw = express.static(path.join(deps.themesDir, theme, 'assets'), { fallthrough: true, index: false, dotfiles: 'deny', maxAge: deps.cache ? '1h' : 0 });
      statics.set(theme, mw);
    }
    return mw;
  };
  return (req: Request, res: Response, next: NextFunction) => {
    const chain = deps.engine.chain((res.locals.site as RequestSite).theme);
    const tryNext = (i: number) => {
      if (i >= chain.length) return next();
      forTheme(chain[i]!)(req, res, (err?: unknown) => (err ? next(err) : tryNext(i + 1)));
    };
    tryNext(0);
  };
}
