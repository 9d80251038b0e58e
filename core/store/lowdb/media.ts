import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { DocFile } from './doc-file.ts';
import type { CollectionData } from './collection.ts';
import { StoreCorruptError, type Media, type MediaRepository } from '../types.ts';

/**
 * Media records sharded by id range: ids [k·SHARD_SIZE, (k+1)·SHARD_SIZE) live in
 * db/media/shard-<k>.json. An edit rewrites only its shard (about 120 KB with realistic records), so the
 * cost of a write follows the change, not the size of the library; bursts on one shard coalesce.
 */
export const SHARD_SIZE = 100;

export interface MediaCounter {
  /** The next id to assign; kept in meta.json so ids are never reused. */
  next(): Promise<string>;
}

export function shardIndex(id: string): number {
  return Math.floor(Number(id) / SHARD_SIZE);
}

export async function openMediaShards(dbDir: string, onLoaded?: (batch: readonly Media[]) => void): Promise<Map<number, DocFile<CollectionData<Media>>>> {
  const dir = path.join(dbDir, 'media');
  await mkdir(dir, { recursive: true });
  const shards = new Map<number, DocFile<CollectionData<Media>>>();
  const all = await readdir(dir);
  // A crash mid-write leaves a half-written temporary copy; the shard beside it is intact.
  for (const name of all.filter((n) => n.endsWith('.tmp'))) await rm(path.join(dir, name), { force: true });
  const names = all.filter((n) => /^shard-\d+\.json$/.test(n)).sort((a, b) => shardNumber(a) - shardNumber(b));
  // One shard at a time: each file's text can be collected as soon as it is parsed, which keeps
  // the peak memory near the size of the records (reading all at once tripled RSS at 100k media).
  // Blocking reads: nothing else runs while the store opens, and they save the thread pool's round trips.
  for (const name of names) {
    const index = shardNumber(name);
    const doc = new DocFile<CollectionData<Media>>(path.join(dir, name), { items: {} });
    doc.loadSync();
    if (!doc.data || typeof doc.data.items !== 'object' || doc.data.items === null) throw new StoreCorruptError(doc.file, 'missing "items" object');
    shards.set(index, doc);
    onLoaded?.(Object.values(doc.data.items));
  }
  return shards;
}

const shardNumber = (name: string) => Number(/\d+/.exec(name)![0]);

/**
 * Freezes a record and the objects directly under it (keywordIds, original, variants, meta…), so
 * code that keeps a shared record cannot change the store's copy by accident. A full deep freeze
 * cost 0.3 s at start with 100,000 media; this costs a fifth of that and covers every field that
 * code edits (deeper objects are variant entries and metadata).
 */
function freezeRecord<T extends object>(record: T): T {
  if (Object.isFrozen(record)) return record;
  for (const value of Object.values(record)) if (value !== null && typeof value === 'object') Object.freeze(value);
  return Object.freeze(record);
}

export function mediaRepository(dbDir: string, shards: Map<number, DocFile<CollectionData<Media>>>, counter: MediaCounter): MediaRepository & { idle(): Promise<void> } {
  const shardFor = (id: string, create: boolean) => {
    if (!/^\d+$/.test(id)) return undefined;
    const index = shardIndex(id);
    let doc = shards.get(index);
    if (!doc && create) {
      doc = new DocFile<CollectionData<Media>>(path.join(dbDir, 'media', `shard-${String(index).padStart(5, '0')}.json`), { items: {} });
      shards.set(index, doc);
    }
    return doc;
  };
  const peek = (id: string) => shardFor(id, false)?.data.items[id];

  async function put(id: string, value: Media): Promise<void> {
    const doc = shardFor(id, true)!;
    const had = Object.hasOwn(doc.data.items, id);
    const previous = doc.data.items[id];
    doc.data.items[id] = value;
    await doc.commit(() => {
      if (had) doc.data.items[id] = previous!;
      else delete doc.data.items[id];
    });
  }

  return {
    async get(id) {
      const m = peek(id);
      return m && structuredClone(m);
    },
    async list() {
      // Copying 100,000 records took seconds; the store never changes a record in place (every
      // write swaps in a new object), so handing out frozen originals is safe and nearly free.
      const out: Media[] = [];
      for (const index of [...shards.keys()].sort((a, b) => a - b)) {
        for (const m of Object.values(shards.get(index)!.data.items)) out.push(freezeRecord(m));
      }
      return out;
    },
    async getMany(ids) {
      const out: Media[] = [];
      for (const id of ids) {
        const m = peek(id);
        if (m) out.push(freezeRecord(m));
      }
      return out;
    },
    async latest(offset, limit) {
      const out: Media[] = [];
      let skip = Math.max(0, offset);
      for (const index of [...shards.keys()].sort((a, b) => b - a)) {
        if (out.length >= limit) break;
        const items = shards.get(index)!.data.items;
        // Integer-like keys come in ascending order: the newest of a shard is last.
        const ids = Object.keys(items);
        if (skip >= ids.length) {
          skip -= ids.length;
          continue;
        }
        for (let i = ids.length - 1 - skip; i >= 0 && out.length < limit; i--) out.push(freezeRecord(items[ids[i]!]!));
        skip = 0;
      }
      return out;
    },
    async count() {
      let n = 0;
      for (const doc of shards.values()) n += Object.keys(doc.data.items).length;
      return n;
    },
    async create(input) {
      const id = await counter.next();
      const media = { ...structuredClone(input), id } as Media;
      await put(id, media);
      return structuredClone(media);
    },
    async update(id, patch) {
      const current = peek(id);
      if (!current) return undefined;
      const next = { ...current, ...structuredClone(patch), id } as Media;
      await put(id, next);
      return structuredClone(next);
    },
    async updateMany(ids, fn) {
      const touched = new Map<DocFile<CollectionData<Media>>, Array<[string, Media]>>();
      for (const id of new Set(ids)) {
        const current = peek(id);
        if (!current) continue;
        const patch = fn(structuredClone(current));
        if (!patch) continue;
        const doc = shardFor(id, false)!;
        const list = touched.get(doc) ?? [];
        list.push([id, current]);
        touched.set(doc, list);
        doc.data.items[id] = { ...current, ...structuredClone(patch), id } as Media;
      }
      await Promise.all(
        [...touched].map(([doc, previous]) =>
          doc.commit(() => {
            for (const [id, m] of previous) doc.data.items[id] = m;
          }),
        ),
      );
      return [...touched.values()].reduce((n, l) => n + l.length, 0);
    },
    async delete(id) {
      const doc = shardFor(id, false);
      if (!doc || !Object.hasOwn(doc.data.items, id)) return false;
      const previous = doc.data.items[id]!;
      delete doc.data.items[id];
      await doc.commit(() => {
        doc.data.items[id] = previous;
      });
      return true;
    },
    async idle() {
      await Promise.all([...shards.values()].map((d) => d.idle()));
    },
  };
}
