/** The query part of a URL as sent (`?a=1&b=2`, or '' when there is none), to carry it over a redirect. */
export function queryOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q);
}
