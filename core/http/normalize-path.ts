/**
 * The path the access gate decides on: split into segments at the slashes as sent, each segment
 * percent-decoded once, `;params` dropped from each segment, empty segments removed, lower-cased,
 * no trailing slash. Express matches routes case-insensitively and ignores a trailing slash, so the
 * gate must see every spelling of a path as the same path. Returns null (the gate answers 400) for
 * undecodable input, for a backslash or an escaped slash, and for a `.` or `..` segment, escaped or
 * not: Express reads none of them as the gate would (`/media/1/..%2F..%2Flogin` is a media page to
 * it, and so would `/plugins/x/../../login` be to a plugin's wildcard route, while resolving the dots
 * gives the open `/login`), browsers resolve dot segments before they send a URL, and no address of
 * the site holds any of them.
 */
// Already normal: lower-case segments of plain characters, none empty, `.` or `..`, no trailing slash.
const plainPathRe = /^(?:\/(?!\.\.?(?:\/|$))[a-z0-9._~-]+)*$/;

export function normalizePath(rawPath: string): string | null {
  // Most requests ask for a plain path: it is its own normal form (this runs on every request).
  if (rawPath !== '' && plainPathRe.test(rawPath)) return rawPath;
  return normalizeAnyPath(rawPath);
}

/** normalizePath without the shortcut for plain paths (exported for the test that checks the two agree). */
export function normalizeAnyPath(rawPath: string): string | null {
  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    let part: string;
    try {
      part = decodeURIComponent(raw);
    } catch {
      return null;
    }
    // eslint-disable-next-line no-control-regex -- control characters are refused, and so is a separator inside a segment (above)
    if (/[\u0000-\u001f\u007f/\\]/.test(part)) return null;
    const seg = part.split(';')[0]!;
    if (seg === '.' || seg === '..') return null;
    if (seg !== '') segments.push(seg);
  }
  return `/${segments.join('/')}`.toLowerCase();
}

/** True when `path` (normalised) is `prefix` or lies under it, segment-wise (never a substring match). */
export function isUnder(path: string, prefix: string): boolean {
  if (prefix === '/') return true;
  return path === prefix || path.startsWith(`${prefix}/`);
}
