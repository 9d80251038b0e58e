import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Media } from '../../core/store/index.ts';

/** A media record as the store takes it (no file behind it: store tests only). */
export function sampleMedia(title: string, extra: Partial<Omit<Media, 'id'>> = {}): Omit<Media, 'id'> {
  const now = new Date().toISOString();
  return {
    slug: title.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    type: 'image',
    status: 'draft',
    title,
    description: '',
    sectorId: null,
    keywordIds: [],
    licence: '',
    authorId: null,
    createdAt: now,
    updatedAt: now,
    publishedAt: null,
    views: 0,
    original: { file: `originals/${title}.png`, mime: 'image/png', size: 1, name: `${title}.png`, sha256: '0'.repeat(64) },
    variants: {},
    meta: {},
    processing: { state: 'done', attempts: 0 },
    ...extra,
  };
}

/** Prepares a data folder whose next media id is `nextMediaId` (to reach a given shard without creating hundreds of items). */
export async function seedNextMediaId(dataDir: string, nextMediaId: number): Promise<void> {
  await mkdir(path.join(dataDir, 'db'), { recursive: true });
  await writeFile(path.join(dataDir, 'db', 'meta.json'), JSON.stringify({ schemaVersion: 1, createdAt: new Date().toISOString(), nextMediaId }));
}
