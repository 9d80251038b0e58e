/**
 * Append-only posting lists: key → slots, in growable Int32Arrays (compact, and invisible to the
 * garbage collector's marking). A media item gets a fresh slot every time it is (re)indexed, so an
 * entry whose slot is no longer live is simply skipped; every candidate is checked against the full
 * criteria anyway. Compaction (a rebuild) drops the dead entries.
 */
export class PostingList {
  data: Int32Array;
  length = 0;

  constructor(capacity = 4) {
    this.data = new Int32Array(capacity);
  }

  /** A list over existing slots (a view into a larger array is fine: growing copies it out). */
  static over(data: Int32Array): PostingList {
    const list = new PostingList(0);
    list.data = data;
    list.length = data.length;
    return list;
  }

  push(slot: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(Math.max(4, this.data.length * 2));
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = slot;
  }

  get last(): number {
    return this.length ? this.data[this.length - 1]! : -1;
  }
}

export class Postings {
  readonly lists = new Map<string, PostingList>();

  /** Adds `slot` under `key` unless it is already the last entry; returns true when the key is new. */
  add(key: string, slot: number): boolean {
    const list = this.lists.get(key);
    if (list) {
      if (list.last !== slot) list.push(slot);
      return false;
    }
    const created = new PostingList();
    created.push(slot);
    this.lists.set(key, created);
    return true;
  }

  /**
   * Word postings: `slot`, or `~slot` (negative) when the word is in the document's title, which
   * relevance weighs more. A document's title words must come before its other words, so its
   * one entry is the title's when the word is in both. Readers take `entry < 0 ? ~entry : entry`.
   */
  addWord(key: string, slot: number, inTitle: boolean): boolean {
    const entry = inTitle ? ~slot : slot;
    const list = this.lists.get(key);
    if (list) {
      const last = list.data[list.length - 1];
      if (last !== slot && last !== ~slot) list.push(entry);
      return false;
    }
    const created = new PostingList();
    created.push(entry);
    this.lists.set(key, created);
    return true;
  }

  get(key: string): PostingList | undefined {
    return this.lists.get(key);
  }

  /** Upper bound of how many live items carry this key. */
  size(key: string): number {
    return this.lists.get(key)?.length ?? 0;
  }
}

/** The sorted list of every indexed word, for prefix ranges ("masq" → masque, masques…). */
export class TermList {
  private sorted: string[] = [];
  private pending: string[] = [];

  add(term: string): void {
    this.pending.push(term);
  }

  private settle(): void {
    if (!this.pending.length) return;
    if (this.pending.length > 64) {
      this.sorted = [...new Set([...this.sorted, ...this.pending])].sort();
    } else {
      for (const term of this.pending) {
        const at = lowerBound(this.sorted, term);
        if (this.sorted[at] !== term) this.sorted.splice(at, 0, term);
      }
    }
    this.pending = [];
  }

  /** Every known word starting with `prefix`. */
  withPrefix(prefix: string): string[] {
    this.settle();
    const start = lowerBound(this.sorted, prefix);
    let end = start;
    while (end < this.sorted.length && this.sorted[end]!.startsWith(prefix)) end++;
    return this.sorted.slice(start, end);
  }

  get count(): number {
    this.settle();
    return this.sorted.length;
  }
}

/** The first position in the sorted `list` whose value is not below `value`. */
export function lowerBound(list: readonly string[], value: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
