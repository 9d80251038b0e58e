// An independent, deliberately naive answer to a search, to check the index against.
import type { Media } from '../../core/store/index.ts';
import { fold, tokenize, type SearchCriteria, type Facets, type FacetCount } from '../../core/search/index.ts';

function words(text: string): string[] {
  return fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

function hasRun(fieldWords: string[], run: string[]): boolean {
  for (let i = 0; i + run.length <= fieldWords.length; i++) {
    if (run.every((w, j) => fieldWords[i + j] === w)) return true;
  }
  return false;
}

interface Parsed { terms: string[]; phrases: string[][]; excluded: string[][] }

function parse(q: string): Parsed {
  const out: Parsed = { terms: [], phrases: [], excluded: [] };
  let rest = q;
  // Quoted parts first (an unclosed quote runs to the end).
  rest = rest.replace(/(-?)"([^"]*)"?/g, (_m, neg: string, inner: string) => {
    const w = tokenize(inner);
    if (w.length) (neg ? out.excluded : out.phrases).push(w);
    return ' ';
  });
  for (const token of rest.split(/\s+/).filter(Boolean)) {
    if (token.startsWith('-') && token.length > 1) {
      const w = tokenize(token.slice(1));
      if (w.length) out.excluded.push(w);
    } else out.terms.push(...tokenize(token));
  }
  return out;
}

function dayMs(day: string | undefined, end: boolean): number {
  if (!day) return end ? Infinity : -Infinity;
  const t = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== day) return end ? Infinity : -Infinity;
  return end ? t + 86_400_000 : t;
}

export function bruteForce(all: Media[], c: SearchCriteria, keywordTitle: (id: string) => string | undefined, facetLimit = 10_000) {
  const p = parse(c.q);
  const fromMs = dayMs(c.from, false);
  const toMs = dayMs(c.to, true);
  const scored: Array<{ m: Media; score: number; date: number }> = [];
  for (const m of all) {
    if (c.statuses.length && !c.statuses.includes(m.status)) continue;
    if (c.types.length && !c.types.includes(m.type)) continue;
    if (c.sectorIds.length && !c.sectorIds.includes(m.sectorId as string)) continue;
    if (c.licences.length && !c.licences.some((l) => fold(l.trim()) === fold(m.licence.trim()))) continue;
    if (c.authorIds.length && !c.authorIds.includes(m.authorId as string)) continue;
    const date = Date.parse(m.publishedAt ?? m.createdAt);
    if (date < fromMs || date >= toMs) continue;
    if (c.keywordIds.length) {
      const has = (k: string) => m.keywordIds.includes(k);
      if (c.kwMode === 'all' ? !c.keywordIds.every(has) : !c.keywordIds.some(has)) continue;
    }
    const fields = [words(m.title), words(m.description), ...m.keywordIds.map((k) => words(keywordTitle(k) ?? ''))];
    const title = fields[0]!;
    const anyField = (f: (ws: string[]) => boolean) => fields.some(f);
    if (!p.terms.every((t) => anyField((ws) => ws.some((w) => w.startsWith(t))))) continue;
    if (!p.phrases.every((ph) => anyField((ws) => hasRun(ws, ph)))) continue;
    if (p.excluded.some((ex) => anyField((ws) => hasRun(ws, ex)))) continue;
    let score = 0;
    for (const t of new Set(p.terms)) score += title.some((w) => w.startsWith(t)) ? 10 : 1;
    for (const ph of new Set(p.phrases.map((x) => x.join(' ')))) score += hasRun(title, ph.split(' ')) ? 10 : 1;
    scored.push({ m, score, date });
  }
  const dir = c.order === 'asc' ? 1 : -1;
  scored.sort((a, b) => {
    let primary: number;
    if (c.sort === 'title') {
      const x = words(a.m.title).join(' ');
      const y = words(b.m.title).join(' ');
      primary = readingOrder(x, y);
    } else if (c.sort === 'popularity') primary = a.m.views - b.m.views;
    else if (c.sort === 'relevance') primary = a.score - b.score || a.date - b.date;
    else primary = a.date - b.date;
    return dir * primary || Number(b.m.id) - Number(a.m.id);
  });
  const start = (c.page - 1) * c.perPage;
  const count = (key: (m: Media) => string[]): FacetCount[] => {
    const map = new Map<string, number>();
    for (const { m } of scored) for (const k of new Set(key(m))) map.set(k, (map.get(k) ?? 0) + 1);
    return [...map].map(([value, n]) => ({ value, count: n }));
  };
  const byCount = (a: FacetCount, b: FacetCount) => b.count - a.count || (a.value < b.value ? -1 : 1);
  const facets: Facets = {
    keywords: count((m) => m.keywordIds).sort(byCount).slice(0, facetLimit),
    types: count((m) => [m.type]).sort(byCount),
    years: count((m) => [String(new Date(Date.parse(m.publishedAt ?? m.createdAt)).getUTCFullYear())]).sort((a, b) => Number(b.value) - Number(a.value)),
    sectors: count((m) => (m.sectorId ? [m.sectorId] : [])).sort(byCount),
  };
  return { ids: scored.slice(start, start + c.perPage).map((s) => s.m.id), total: scored.length, facets };
}

/** Titles in reading order, the slow obvious way: digit runs as numbers (BigInt), the rest as text. */
function readingOrder(x: string, y: string): number {
  const chunks = (s: string) => s.match(/\d+|\D+/g) ?? [];
  const a = chunks(x);
  const b = chunks(y);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const p = a[i]!;
    const q = b[i]!;
    if (/^\d/.test(p) && /^\d/.test(q)) {
      const d = BigInt(p) - BigInt(q);
      if (d !== 0n) return d < 0n ? -1 : 1;
    } else if (p !== q) {
      // A text chunk against a longer one that starts with it: what follows decides, as in one string.
      const rest = (c: string[], from: number) => c.slice(from).join('');
      const u = p + rest(a, i + 1);
      const v = q + rest(b, i + 1);
      return u < v ? -1 : u > v ? 1 : 0;
    }
  }
  return a.length - b.length;
}

