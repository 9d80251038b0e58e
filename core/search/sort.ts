import type { SortKey, SortOrder } from './criteria.ts';
import type { IndexedDoc } from './doc.ts';

type Compare = (a: IndexedDoc, b: IndexedDoc) => number;

const byIdDesc: Compare = (a, b) => Number(b.id) - Number(a.id);

function comparator(sort: SortKey, order: SortOrder): Compare {
  const dir = order === 'asc' ? 1 : -1;
  const primary: Compare =
    sort === 'title'
      ? (a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0) // folded words: case, accents and punctuation ignored
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
