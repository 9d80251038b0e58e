import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DocFile } from './doc-file.ts';
import type { CollectionData } from './collection.ts';
import { asciiJson } from './durable-file.ts';
import { StoreSnapshotError, type Media, type SnapshotOptions, type StoreSnapshot } from '../types.ts';

/** A file of the lowdb layout: its path under the data folder and its document. */
export interface SnapshotSource {
  path: string;
  doc: DocFile<unknown>;
  /** A collection (an `items` object), as opposed to meta.json. */
  collection?: string;
  /** A media shard: its records are the snapshot's media. */
  media?: boolean;
}

/**
 * Takes a snapshot of the documents as they are in memory now. Every change is made in memory
 * synchronously before its write is queued (a change spanning files too), so copying the
 * documents' top-level objects in one go, with no await in between, is one consistent moment.
 * The records themselves are never changed in place (every write puts a new object), so shallow
 * copies are enough, and the JSON is made later, one file at a time, when the archive reads it.
 */
export async function takeSnapshot(sources: readonly SnapshotSource[], schemaVersion: number, options: SnapshotOptions = {}): Promise<StoreSnapshot> {
  const takenAt = new Date().toISOString();
  const failuresBefore = sources.map((s) => s.doc.failures);
  const leftOutSettings = new Set(options.withoutSettings ?? []);
  const captured = sources
    .filter((s) => !(options.withoutSessions && s.collection === 'sessions'))
    .map((s) => {
      const data = s.doc.data as Record<string, unknown>;
      if (!s.collection && !s.media) return { source: s, data: { ...data } };
      const items = { ...(data.items as Record<string, unknown>) };
      if (s.collection === 'settings') for (const key of leftOutSettings) delete items[key];
      return { source: s, data: { ...data, items } };
    });

  // What the copy holds may still be on its way to disk: wait for it, and refuse to hand out a
  // write that failed (the store undid it; the copy would hold data the site never kept).
  await Promise.all(sources.map((s) => s.doc.idle()));
  const failed = sources.filter((s, i) => s.doc.failures !== failuresBefore[i]);
  if (failed.length) throw new StoreSnapshotError(failed.map((s) => s.path).join(', '));

  return {
    backend: 'lowdb',
    schemaVersion,
    takenAt,
    files: captured.map(({ source, data }) => ({
      path: source.path,
      read: async () => Buffer.from(asciiJson(JSON.stringify(data)), 'utf8'),
    })),
    *media() {
      for (const { source, data } of captured) {
        if (source.media) yield* Object.values((data as unknown as CollectionData<Media>).items);
      }
    },
  };
}

/** Bytes of the JSON files under `dir` (sub-folders included). */
export async function folderSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await folderSize(full);
    else if (entry.isFile() && entry.name.endsWith('.json')) total += (await stat(full).catch(() => ({ size: 0 }))).size;
  }
  return total;
}
