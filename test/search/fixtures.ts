import type { Media, MediaStatus, MediaType } from '../../core/store/index.ts';

/** A media record as the media code would store it; the file metadata is fake (search never reads it). */
export function mediaInput(over: Partial<Omit<Media, 'id'>> = {}): Omit<Media, 'id'> {
  const createdAt = over.createdAt ?? '2024-05-01T10:00:00.000Z';
  const status: MediaStatus = over.status ?? 'published';
  const type: MediaType = over.type ?? 'image';
  return {
    slug: 'media',
    type,
    status,
    title: 'Untitled',
    description: '',
    sectorId: null,
    keywordIds: [],
    licence: 'cc-by',
    authorId: null,
    createdAt,
    updatedAt: createdAt,
    publishedAt: status === 'published' ? createdAt : null,
    views: 0,
    original: { file: 'originals/x.bin', mime: 'image/png', size: 1, name: 'x.png', sha256: '0'.repeat(64) },
    variants: {},
    meta: {},
    processing: { state: 'done', attempts: 1 },
    ...over,
  };
}
