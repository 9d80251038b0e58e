import type { FacetCount, Facets } from './criteria.ts';
import type { IndexedDoc } from './doc.ts';
import { mediaTypes } from '../store/index.ts';

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
  const types = new Int32Array(mediaTypes.length);
  // Years 1900–2299 in an array; anything stranger in a map.
  const years = new Int32Array(400);
  const otherYears = new Map<number, number>();
  for (const doc of docs) {
    for (const n of doc.keywordNums) keywords[n]!++;
    if (doc.sectorNum >= 0) sectors[doc.sectorNum]!++;
    types[doc.typeNum]!++;
    const y = doc.year - 1900;
    if (y >= 0 && y < 400) years[y]!++;
    else otherYears.set(doc.year, (otherYears.get(doc.year) ?? 0) + 1);
  }
  const yearList = fromCounters(years, (n) => String(n + 1900));
  for (const [y, count] of otherYears) yearList.push({ value: String(y), count });
  return {
    keywords: fromCounters(keywords, (n) => names.keywords[n]!).sort(byCount).slice(0, keywordLimit),
    types: fromCounters(types, (n) => mediaTypes[n]!).sort(byCount),
    years: yearList.sort((a, b) => Number(b.value) - Number(a.value)),
    sectors: fromCounters(sectors, (n) => names.sectors[n]!).sort(byCount),
  };
}
