import type { SortKey, SortOrder } from './criteria.ts';
import type { DocColumns } from './columns.ts';

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Folded titles in reading order: runs of digits compare as numbers ("element 2" before
 * "element 10"; leading zeros do not count), everything else by character. No allocation: it runs
 * for every comparison of a title sort.
 */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      while (a.charCodeAt(i) === 48 && isDigit(a.charCodeAt(i + 1))) i++;
      while (b.charCodeAt(j) === 48 && isDigit(b.charCodeAt(j + 1))) j++;
      let ei = i;
      while (ei < a.length && isDigit(a.charCodeAt(ei))) ei++;
      let ej = j;
      while (ej < b.length && isDigit(b.charCodeAt(ej))) ej++;
      if (ei - i !== ej - j) return ei - i - (ej - j);
      for (; i < ei; i++, j++) {
        const d = a.charCodeAt(i) - b.charCodeAt(j);
        if (d) return d;
      }
      continue;
    }
    if (ca !== cb) return ca - cb;
    i++;
    j++;
  }
  return a.length - i - (b.length - j);
}

/** Compares two slots; `title` reads the document (title sorts only). */
type CompareSlots = (a: number, b: number) => number;

function comparator(sort: SortKey, order: SortOrder, columns: DocColumns, titleOf: (slot: number) => string): CompareSlots {
  const dir = order === 'asc' ? 1 : -1;
  const { date, views, score, idNum } = columns;
  const primary: CompareSlots =
    sort === 'title'
      ? (a, b) => naturalCompare(titleOf(a), titleOf(b)) // folded words: case, accents and punctuation ignored
      : sort === 'popularity'
        ? (a, b) => views[a]! - views[b]!
        : sort === 'relevance'
          ? (a, b) => score[a]! - score[b]! || date[a]! - date[b]!
          : (a, b) => date[a]! - date[b]!;
  // Ties: newest id first, whatever the order, so pages never overlap.
  return (a, b) => dir * primary(a, b) || idNum[b]! - idNum[a]!;
}

/**
 * Sorts `slots` in place enough that the first `needed` are in final order, reading the values
 * from the index's columns. Large result sets asked for an early page are cut down with a bounded
 * selection instead of a full sort. For relevance, `columns.score` must hold this search's scores.
 */
export function sortSlots(slots: number[], sort: SortKey, order: SortOrder, needed: number, columns: DocColumns, titleOf: (slot: number) => string): number[] {
  const cmp = comparator(sort, order, columns, titleOf);
  if (slots.length <= 2048 || needed * 8 > slots.length) return slots.sort(cmp);
  // Keep the best `needed` in a sorted buffer; most items lose against its last entry at once.
  const top: number[] = [];
  for (const slot of slots) {
    if (top.length === needed && cmp(slot, top[needed - 1]!) >= 0) continue;
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(top[mid]!, slot) <= 0) lo = mid + 1;
      else hi = mid;
    }
    top.splice(lo, 0, slot);
    if (top.length > needed) top.pop();
  }
  return top;
}
