import type { SortKey, SortOrder } from './criteria.ts';
import type { IndexedDoc } from './doc.ts';

type Compare = (a: IndexedDoc, b: IndexedDoc) => number;

const byIdDesc: Compare = (a, b) => Number(b.id) - Number(a.id);

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

function comparator(sort: SortKey, order: SortOrder): Compare {
  const dir = order === 'asc' ? 1 : -1;
  const primary: Compare =
    sort === 'title'
      ? (a, b) => naturalCompare(a.title, b.title) // folded words: case, accents and punctuation ignored
      : sort === 'popularity'
        ? (a, b) => a.views - b.views
        : sort === 'relevance'
          ? (a, b) => a.score - b.score || a.date - b.date
          : (a, b) => a.date - b.date;
  // Ties: newest id first, whatever the order, so pages never overlap.
  return (a, b) => dir * primary(a, b) || byIdDesc(a, b);
}

/**
 * Sorts `docs` in place enough that the first `needed` are in final order. Large result sets
 * asked for an early page are cut down with a bounded selection instead of a full sort.
 */
/** For relevance, each document's `score` must have been set for this search. */
export function sortDocs(docs: IndexedDoc[], sort: SortKey, order: SortOrder, needed: number): IndexedDoc[] {
  const cmp = comparator(sort, order);
  if (docs.length <= 2048 || needed * 8 > docs.length) return docs.sort(cmp);
  // Keep the best `needed` in a sorted buffer; most items lose against its last entry at once.
  const top: IndexedDoc[] = [];
  for (const doc of docs) {
    if (top.length === needed && cmp(doc, top[needed - 1]!) >= 0) continue;
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(top[mid]!, doc) <= 0) lo = mid + 1;
      else hi = mid;
    }
    top.splice(lo, 0, doc);
    if (top.length > needed) top.pop();
  }
  return top;
}
