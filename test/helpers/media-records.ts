import type { Media } from '../../core/store/index.ts';

/** A media record as the store holds it, for tests that need content without uploading files. */
export function mediaRecord(overrides: Partial<Omit<Media, 'id'>> = {}): Omit<Media, 'id'> {
  const now = new Date().toISOString();
  return {
    slug: 'media',
    type: 'image',
    status: 'published',
    title: 'A media',
    description: '',
    sectorId: null,
    keywordIds: [],
    licence: 'all-rights-reserved',
    authorId: null,
    createdAt: now,
    updatedAt: now,
    publishedAt: now,
    views: 0,
    original: { file: 'none', mime: 'image/png', size: 1, name: 'a.png', sha256: '0' },
    variants: {},
    meta: {},
    processing: { state: 'done', attempts: 0 },
    ...overrides,
  };
}
