import { DocFile } from './doc-file.ts';

export interface Keyed {
  [key: string]: unknown;
}

export interface CollectionData<T> {
  items: Record<string, T>;
}

/** A keyed collection held in one DocFile. Reads return copies; writes resolve once durable. */
export class Collection<T> {
  constructor(readonly doc: DocFile<CollectionData<T>>) {}

  private get items(): Record<string, T> {
    return this.doc.data.items;
  }

  get(key: string): T | undefined {
    // Own entries only: a key from a URL such as "constructor" or "__proto__" is not an entry.
    if (!Object.hasOwn(this.items, key)) return undefined;
    const v = this.items[key];
    return v === undefined ? undefined : structuredClone(v);
  }

  values(): T[] {
    return Object.values(this.items).map((v) => structuredClone(v));
  }

  /** Read without copying, for internal scans that do not hand the objects out. */
  peekValues(): T[] {
    return Object.values(this.items);
  }

  size(): number {
    return Object.keys(this.items).length;
  }

  async put(key: string, value: T): Promise<void> {
    // Assigning it would replace the items object's prototype instead of adding an entry.
    if (key === '__proto__') throw new Error('"__proto__" cannot be a key');
    const had = Object.hasOwn(this.items, key);
    const previous = this.items[key];
    this.items[key] = structuredClone(value);
    await this.doc.commit(() => {
      if (had) this.items[key] = previous as T;
      else delete this.items[key];
    });
  }

  async delete(key: string): Promise<boolean> {
    if (!Object.hasOwn(this.items, key)) return false;
    const previous = this.items[key] as T;
    delete this.items[key];
    await this.doc.commit(() => {
      this.items[key] = previous;
    });
    return true;
  }

  /** Deletes every entry matching the predicate in one write. */
  async deleteWhere(pred: (v: T) => boolean): Promise<number> {
    const removed: Array<[string, T]> = [];
    for (const [k, v] of Object.entries(this.items)) {
      if (pred(v)) {
        removed.push([k, v]);
        delete this.items[k];
      }
    }
    if (removed.length === 0) return 0;
    await this.doc.commit(() => {
      for (const [k, v] of removed) this.items[k] = v;
    });
    return removed.length;
  }
}
