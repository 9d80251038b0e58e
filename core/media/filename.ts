import path from 'node:path';

const MAX_NAME = 120;

/**
 * The uploaded name as harmless metadata: no path, no control, bidi or invisible formatting
 * characters, NFC, at most 120 characters (extension kept). Files on disk are never named by it.
 */
export function sanitiseName(raw: string): string {
  // Browsers and multer hand over latin1-decoded UTF-8; recover it when that is what happened.
  let name = raw;
  if (/[\u0080-\u00ff]/.test(name) && ![...name].some((c) => c.charCodeAt(0) > 0xff)) {
    const decoded = Buffer.from(name, 'latin1').toString('utf8');
    if (!decoded.includes('\uFFFD')) name = decoded;
  }
  name = name.normalize('NFC');
  // Cc (controls incl. NUL), Cf (bidi overrides, zero-width), line/paragraph separators.
  name = name.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, '');
  name = name.replace(/[\\/]+/g, '/');
  name = name.split('/').pop() ?? '';
  name = name.replace(/^[.\s]+/, '').replace(/\s+/g, ' ').trim();
  if (!name || name === '.' || name === '..') return 'file';
  if ([...name].length > MAX_NAME) {
    const ext = path.extname(name).slice(0, 12);
    const base = [...name.slice(0, name.length - ext.length)].slice(0, MAX_NAME - ext.length).join('');
    name = base + ext;
  }
  return name;
}

/** A title from a file name: no extension, separators as spaces. */
export function titleFromName(name: string): string {
  const base = name.replace(/\.[^.]{1,12}$/, '').replace(/[_]+/g, ' ').replace(/\s+/g, ' ').trim();
  return base || name;
}

/** An ASCII slug for URLs (`/media/:id/:slug`). */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug || 'media';
}
