/** Reads back a settings form as the browser would submit it, for tests that change a few fields of a page. */
export const decodeHtml = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|#x27|#x3D|#x60);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#x3D': '=', '#x60': '`' })[e]!);

export function settingsFormValues(html: string): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = {};
  const start = html.indexOf('class="stack settings-form"');
  if (start < 0) throw new Error('no settings form in page');
  const text = html.slice(start, html.indexOf('</form>', start));
  for (const m of text.matchAll(/<input type="(?:text|number|color)" id="[^"]+" name="([^"]+)" value="([^"]*)"/g)) form[m[1]!] = decodeHtml(m[2]!);
  for (const m of text.matchAll(/<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) form[m[1]!] = decodeHtml(m[2]!);
  // Several selects of one name (an ordered choice, one per position) send every position, in order.
  const selects = [...text.matchAll(/<select id="[^"]+" name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)].map((m) => [m[1]!, decodeHtml(/<option value="([^"]*)" selected[ >]/.exec(m[2]!)?.[1] ?? '')] as const);
  for (const [name, value] of selects) {
    const repeated = selects.filter(([n]) => n === name).length > 1;
    const prev = form[name];
    form[name] = repeated ? [...(Array.isArray(prev) ? prev : []), value] : value;
  }
  for (const m of text.matchAll(/<input type="checkbox" id="[^"]+" name="([^"]+)" value="([^"]+)" checked>/g)) {
    const prev = form[m[1]!];
    form[m[1]!] = m[2] === 'on' ? 'on' : [...(Array.isArray(prev) ? prev : []), decodeHtml(m[2]!)];
  }
  return form;
}
