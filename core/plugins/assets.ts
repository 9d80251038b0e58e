import { statSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';

/** The folder of a plugin whose files are served at /plugins/<id>/assets/. */
export const ASSETS_FOLDER = 'assets';

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The site path of a file in a plugin's assets folder. Throws, naming the file, when the name
 * could not be served (absolute, `..`, a dotfile, a backslash) or no such file exists: a plugin
 * author learns at registration, not from a browser console.
 */
export function pluginAssetHref(id: string, dir: string, file: string): string {
  const segments = typeof file === 'string' ? file.split('/') : [];
  // eslint-disable-next-line no-control-regex -- control characters have no place in a file name
  if (!segments.length || segments.some((s) => s === '' || s.startsWith('.') || /[\\\u0000-\u001f\u007f]/.test(s))) {
    throw new Error(`plugin "${id}": "${String(file)}" is not a file name under ${ASSETS_FOLDER}/ (relative, no dot segments or dotfiles)`);
  }
  const full = path.join(dir, ASSETS_FOLDER, ...segments);
  if (!isFile(full)) throw new Error(`plugin "${id}": no file ${ASSETS_FOLDER}/${segments.join('/')}`);
  return `/plugins/${id}/${ASSETS_FOLDER}/${segments.map(encodeURIComponent).join('/')}`;
}

/**
 * /plugins/:pluginId/assets/…: the files of an enabled plugin's assets folder, behind the access
 * gate like every path. Dotfiles and anything outside the folder are not found; a disabled
 * plugin's files are not found either, from the next request on.
 */
export function createPluginAssets(deps: { assetsDir: (id: string) => string | undefined; cache: boolean }) {
  const statics = new Map<string, ReturnType<typeof express.static>>();
  const forDir = (dir: string) => {
    let mw = statics.get(dir);
    if (!mw) {
      mw = express.static(dir, { fallthrough: true, index: false, redirect: false, dotfiles: 'ignore', maxAge: deps.cache ? '1h' : 0 });
      statics.set(dir, mw);
    }
    return mw;
  };
  return (req: Request, res: Response, next: NextFunction) => {
    const dir = deps.assetsDir(String(req.params.pluginId));
    if (!dir) return next();
    forDir(dir)(req, res, next);
  };
}
