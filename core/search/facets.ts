import type { FacetCount, Facets } from './criteria.ts';
import type { DocColumns } from './columns.ts';
import { mediaTypes } from '../store/index.ts';

const byCount = (a: FacetCount, b: FacetCount) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);

function fromCounters(counts: Int32Array, touched: number[], valueOf: (n: number) => string): FacetCount[] {
  return touched.map((n) => ({ value: valueOf(n), count: counts[n]! }));
}

/**
 * The `limit` most frequent (ties by value), in order. A few thousand results touch most of the
 * 2,000 keywords: sorting them all to keep 30 took milliseconds; a bounded selection does not.
 */
function mostFrequent(counts: Int32Array, touched: number[], valueOf: (n: number) => string, limit: number): FacetCount[] {
  if (touched.length <= limit * 4) return fromCounters(counts, touched, valueOf).sort(byCount).slice(0, limit);
  const top: FacetCount[] = [];
  for (const n of touched) {
    const count = counts[n]!;
    const last = top[top.length - 1];
    if (top.length === limit && count < last!.count) continue;
    const candidate = { value: valueOf(n), count };
    if (top.length === limit && byCount(candidate, last!) >= 0) continue;
    let at = top.length;
    while (at > 0 && byCount(candidate, top[at - 1]!) < 0) at--;
    top.splice(at, 0, candidate);
    if (top.length > limit) top.pop();
  }
  return top;
}

/** Counters by dense number, reused from one search to the next (only the touched ones are reset). */
class Counters {
  private counts = new Int32Array(64);
  readonly touched: number[] = [];

  get values(): Int32Array {
    return this.counts;
  }

  reset(size: number): void {
    if (this.counts.length < size) this.counts = new Int32Array(Math.max(size, this.counts.length * 2));
    for (const n of this.touched) this.counts[n] = 0;
    this.touched.length = 0;
  }

  add(n: number): void {
    if (this.counts[n]!++ === 0) this.touched.push(n);
  }
}

const YEAR_BASE = 1900;

/**
 * Counts, over every result (not only the page), how many carry each keyword, type, year, sector.
 * Keywords and sectors have dense numbers in the index, so counting is array increments over the
 * index's columns (by slot); only the counters a result touched are read back and reset, so a
 * search with few results does not pay for the 2,000 keywords it does not carry.
 */
export function createFacetCounter() {
  const keywords = new Counters();
  const sectors = new Counters();
  const types = new Counters();
  const years = new Counters();
  return function countFacets(slots: readonly number[], columns: DocColumns, keywordLimit: number, names: { keywords: string[]; sectors: string[] }): Facets {
    keywords.reset(names.keywords.length);
    sectors.reset(names.sectors.length);
    types.reset(mediaTypes.length);
    years.reset(400);
    // Years 1900–2299 by counter; anything stranger in a map.
    const otherYears = new Map<number, number>();
    const { keywordStart, keywords: keywordNums, sector, type, year } = columns;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      for (let k = keywordStart[slot]!, end = keywordStart[slot + 1]!; k < end; k++) keywords.add(keywordNums[k]!);
      const s = sector[slot]!;
      if (s >= 0) sectors.add(s);
      types.add(type[slot]!);
      const y = year[slot]! - YEAR_BASE;
      if (y >= 0 && y < 400) years.add(y);
      else otherYears.set(year[slot]!, (otherYears.get(year[slot]!) ?? 0) + 1);
    }
    const yearList = fromCounters(years.values, years.touched, (n) => String(n + YEAR_BASE));
    for (const [y, count] of otherYears) yearList.push({ value: String(y), count });
    return {
      keywords: mostFrequent(keywords.values, keywords.touched, (n) => names.keywords[n]!, keywordLimit),
      types: fromCounters(types.values, types.touched, (n) => mediaTypes[n]!).sort(byCount),
      years: yearList.sort((a, b) => Number(b.value) - Number(a.value)),
      sectors: fromCounters(sectors.values, sectors.touched, (n) => names.sectors[n]!).sort(byCount),
    };
  };
}
