import type { Store } from '../store/index.ts';

export interface BackupEstimate {
  /** Bytes of the database where it is kept (the archive compresses it a good deal). */
  databaseBytes: number;
  media: number;
  /** The media's stored files (originals and derivatives), from their records: no walk over the disk. */
  files: number;
  fileBytes: number;
}

/** What a backup would hold, cheaply enough for a page view. */
export async function estimateBackup(store: Store): Promise<BackupEstimate> {
  let files = 0;
  let fileBytes = 0;
  const media = await store.media.list();
  for (const m of media) {
    for (const stored of [m.original, ...Object.values(m.variants)]) {
      files += 1;
      fileBytes += stored.size;
    }
  }
  return { databaseBytes: await store.dataSize(), media: media.length, files, fileBytes };
}
