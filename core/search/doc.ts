import { type Media, type MediaStatus, type MediaType } from '../store/index.ts';
import { fold, tokenize } from './fold.ts';

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
  /** Searchable forms (see `searchable`) of the title and description (keyword titles: see SearchIndex.titleOf). */
  title: string;
  description: string;
}

export function mediaDate(m: Pick<Media, 'publishedAt' | 'createdAt'>): number {
  const t = Date.parse(m.publishedAt ?? m.createdAt);
  return Number.isNaN(t) ? 0 : t;
}

export function foldLicence(licence: string): string {
  return fold(licence.trim());
}

/**
 * The ids without repeats, in order (a handful per media: a loop beats a Set). A frozen list without
 * repeats (the store's shared records, at start) is kept as it is: 100,000 copies were 16 MB.
 */
function distinct(ids: readonly string[]): string[] {
  if (Object.isFrozen(ids) && !hasRepeats(ids)) return ids as string[];
  const out: string[] = [];
  for (const id of ids) if (!out.includes(id)) out.push(id);
  return out;
}

function hasRepeats(ids: readonly string[]): boolean {
  for (let i = 1; i < ids.length; i++) for (let j = 0; j < i; j++) if (ids[i] === ids[j]) return true;
  return false;
}

/** A field's words in searchable form (the same as `searchable(text)`, from its words). */
export const joined = (words: string[]) => (words.length ? ` ${words.join(' ')} ` : ' ');

/**
 * The document and the words of its title and description (reused for the posting lists).
 * `text`: the searchable title and description when they were computed elsewhere (the start-up
 * preload, core/search/preload.ts); then nothing is tokenised here and `words` is null.
 */
export function toIndexedDoc(m: Media, text?: { title: string; description: string }): { doc: IndexedDoc; words: string[][] | null } {
  const date = mediaDate(m);
  const titleWords = text ? null : tokenize(m.title);
  const descriptionWords = text ? null : tokenize(m.description);
  const doc: IndexedDoc = {
    id: m.id,
    type: m.type,
    status: m.status,
    sectorId: m.sectorId,
    keywordIds: distinct(m.keywordIds),
    licence: foldLicence(m.licence ?? ''),
    authorId: m.authorId,
    date,
    year: new Date(date).getUTCFullYear(),
    views: m.views ?? 0,
    title: text ? text.title : joined(titleWords!),
    description: text ? text.description : joined(descriptionWords!),
  };
  return { doc, words: titleWords && descriptionWords && [titleWords, descriptionWords] };
}
