import type { Media, MediaStatus, MediaType } from '../store/index.ts';
import { fold, searchable } from './fold.ts';

/** What the index keeps of one media item: only what search, sorting and facets need. */
export interface IndexedDoc {
  id: string;
  type: MediaType;
  status: MediaStatus;
  sectorId: string | null;
  keywordIds: string[];
  /** Folded, trimmed. */
  licence: string;
  authorId: string | null;
  /** Publication date (creation date while never published), epoch ms. */
  date: number;
  year: number;
  views: number;
  /** Searchable forms (see `searchable`): title, description, keyword titles. */
  title: string;
  description: string;
  keywords: string;
  /** Folded title, for sorting by title. */
  sortTitle: string;
}

export function mediaDate(m: Pick<Media, 'publishedAt' | 'createdAt'>): number {
  const t = Date.parse(m.publishedAt ?? m.createdAt);
  return Number.isNaN(t) ? 0 : t;
}

export function foldLicence(licence: string): string {
  return fold(licence.trim());
}

export function keywordText(keywordIds: string[], titleOf: (id: string) => string | undefined): string {
  let out = '';
  for (const id of keywordIds) {
    const title = titleOf(id);
    if (title) out += searchable(title);
  }
  return out || ' ';
}

export function toIndexedDoc(m: Media, titleOf: (id: string) => string | undefined): IndexedDoc {
  const date = mediaDate(m);
  return {
    id: m.id,
    type: m.type,
    status: m.status,
    sectorId: m.sectorId,
    keywordIds: [...new Set(m.keywordIds)],
    licence: foldLicence(m.licence ?? ''),
    authorId: m.authorId,
    date,
    year: new Date(date).getUTCFullYear(),
    views: m.views ?? 0,
    title: searchable(m.title),
    description: searchable(m.description),
    keywords: keywordText(m.keywordIds, titleOf),
    sortTitle: fold(m.title).trim(),
  };
}

/** The distinct words of a document (title, description, keyword titles). */
export function docWords(doc: IndexedDoc): Set<string> {
  const words = new Set<string>();
  for (const field of [doc.title, doc.description, doc.keywords]) {
    for (const w of field.split(' ')) if (w) words.add(w);
  }
  return words;
}
