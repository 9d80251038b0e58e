import type { FacetCount, Facets } from './criteria.ts';
import type { IndexedDoc } from './doc.ts';

const byCount = (a: FacetCount, b: FacetCount) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);

function fromCounters(counts: Int32Array, valueOf: (n: number) => string): FacetCount[] {
  const out: FacetCount[] = [];
  for (let n = 0; n < counts.length; n++) if (counts[n]! > 0) out.push({ value: valueOf(n), count: counts[n]! });
  return out;
}

/**
 * Counts, over every result (not only the page), how many carry each keyword, type, year, sector.
 * Keywords and sectors have dense numbers in the index, so counting is array increments.
 */
export function countFacets(docs: IndexedDoc[], keywordLimit: number, names: { keywords: string[]; sectors: string[] }): Facets {
  const keywords = new Int32Array(names.keywords.length);
  const sectors = new Int32Array(names.sectors.length);
  const types = new Map<string, number>();
  const years = new Map<number, number>();
  for (const doc of docs) {
    for (const n of doc.keywordNums) keywords[n]!++;
    if (doc.sectorNum >= 0) sectors[doc.sectorNum]!++;
    types.set(doc.type, (types.get(doc.type) ?? 0) + 1);
    years.set(doc.year, (years.get(doc.year) ?? 0) + 1);
  }
  return {
    keywords: fromCounters(keywords, (n) => names.keywords[n]!).sort(byCount).slice(0, keywordLimit),
    types: [...types].map(([value, count]) => ({ value, count })).sort(byCount),
    years: [...years].sort((a, b) => b[0] - a[0]).map(([y, count]) => ({ value: String(y), count })),
    sectors: fromCounters(sectors, (n) => names.sectors[n]!).sort(byCount),
  };
}
