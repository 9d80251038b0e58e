/**
 * Keeps a post-login destination only if it is a path on this site. Anything that a browser could
 * read as another origin (`//host`, `/\host`, schemes, control characters that browsers strip
 * before parsing) falls back to `/`.
 */
export function safeReturnPath(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return fallback;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback;
  if (!value.startsWith('/') || value.startsWith('//')) return fallback;
  let url: URL;
  try {
    url = new URL(value, 'http://kiosque.invalid');
  } catch {
    return fallback;
  }
  if (url.origin !== 'http://kiosque.invalid') return fallback;
  // Decoded slashes at the start (`/%2F/evil`) would be read as a protocol-relative URL by some proxies.
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return fallback;
  }
  if (decoded.startsWith('//') || decoded.startsWith('/\\')) return fallback;
  const out = url.pathname + url.search + url.hash;
  // Nobody means to come back to a form they have just used.
  if (out === '/login' || out.startsWith('/login?') || out === '/logout' || out === '/register' || out.startsWith('/register?') || out.startsWith('/password/')) return fallback;
  return out;
}

/** `path` (a form) carrying a safe return path, left plain when that is the homepage. */
export function withReturn(path: string, returnTo: string): string {
  return returnTo === '/' ? path : `${path}?return=${encodeURIComponent(returnTo)}`;
}
