import type { FacetCount, Facets } from './criteria.ts';
import type { IndexedDoc } from './doc.ts';

function tally(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

const byCount = (a: FacetCount, b: FacetCount) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);

function list(map: Map<string, number>): FacetCount[] {
  return [...map].map(([value, count]) => ({ value, count }));
}

/** Counts, over every result (not only the page), how many carry each keyword, type, year, sector. */
export function countFacets(docs: IndexedDoc[], keywordLimit: number): Facets {
  const keywords = new Map<string, number>();
  const types = new Map<string, number>();
  const years = new Map<string, number>();
  const sectors = new Map<string, number>();
  for (const doc of docs) {
    for (const k of doc.keywordIds) tally(keywords, k);
    tally(types, doc.type);
    tally(years, String(doc.year));
    if (doc.sectorId !== null) tally(sectors, doc.sectorId);
  }
  return {
    keywords: list(keywords).sort(byCount).slice(0, keywordLimit),
    types: list(types).sort(byCount),
    years: list(years).sort((a, b) => Number(b.value) - Number(a.value)),
    sectors: list(sectors).sort(byCount),
  };
}
