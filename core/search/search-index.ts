import type { Media } from '../store/index.ts';
import type { Facets, SearchCriteria, SearchResult } from './criteria.ts';
import { keywordText, toIndexedDoc, type IndexedDoc } from './doc.ts';
import { searchable } from './fold.ts';
import { matches, prepare, score, type PreparedCriteria } from './match.ts';
import { Postings, TermList, type PostingList } from './postings.ts';
import { sortDocs } from './sort.ts';
import { countFacets } from './facets.ts';

export interface SearchIndexOptions {
  /** Keyword id → title, for matching keyword names as text. */
  keywordTitle: (id: string) => string | undefined;
  /** How many keyword facets to return (the most frequent). */
  facetLimit?: number;
}

/**
 * The in-process search index. Posting lists per word, keyword, type, sector, year, status,
 * licence and author give a small candidate set (the most selective criterion drives); each
 * candidate is then checked against every criterion on its compact document.
 */
export class SearchIndex {
  private docs: Array<IndexedDoc | undefined> = [];
  private slotOf = new Map<string, number>();
  private words = new Postings();
  private terms = new TermList();
  private byKeyword = new Postings();
  private byType = new Postings();
  private bySector = new Postings();
  private byYear = new Postings();
  private byStatus = new Postings();
  private byLicence = new Postings();
  private byAuthor = new Postings();
  private seen = new Uint32Array(1024);
  private generation = 0;
  private keywordTitles = new Map<string, string>();

  constructor(private readonly options: SearchIndexOptions) {}

  get size(): number {
    return this.slotOf.size;
  }

  /** Replaces the whole content (start, `kiosque reindex`). */
  rebuild(media: Iterable<Media>): void {
    this.reset();
    for (const m of media) this.addMedia(m);
  }

  /** Indexes a new or changed media item. */
  upsert(media: Media): void {
    this.drop(media.id);
    this.addMedia(media);
    this.maybeCompact();
  }

  remove(id: string): boolean {
    const had = this.drop(id);
    this.maybeCompact();
    return had;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /** A keyword was renamed: its media now match the new title. */
  keywordChanged(keywordId: string): void {
    this.keywordTitles.delete(keywordId);
    const list = this.byKeyword.get(keywordId);
    for (const slot of list ? list.data.slice(0, list.length) : []) {
      const doc = this.docs[slot];
      if (!doc || !doc.keywordIds.includes(keywordId)) continue;
      this.drop(doc.id);
      this.add({ ...doc, keywords: keywordText(doc.keywordIds, this.titleOf) });
    }
    this.maybeCompact();
  }

  search(c: SearchCriteria): SearchResult {
    const p = prepare(c);
    const found: IndexedDoc[] = [];
    this.candidates(p, (doc) => {
      if (matches(doc, p)) found.push(doc);
    });
    const scores = c.sort === 'relevance' ? new Map(found.map((d) => [d, score(d, p.text)])) : undefined;
    const perPage = c.perPage;
    const pages = Math.max(1, Math.ceil(found.length / perPage));
    const start = (c.page - 1) * perPage;
    const page = sortDocs(found, c.sort, c.order, scores, start + perPage).slice(start, start + perPage);
    const facets: Facets | undefined = c.facets ? countFacets(found, this.options.facetLimit ?? 30) : undefined;
    return { ids: page.map((d) => d.id), total: found.length, page: c.page, perPage, pages, facets };
  }

  /** Ids of the media carrying a keyword (live ones). */
  idsWithKeyword(keywordId: string): string[] {
    const out: string[] = [];
    const list = this.byKeyword.get(keywordId);
    for (let i = 0; i < (list?.length ?? 0); i++) {
      const doc = this.docs[list!.data[i]!];
      if (doc && doc.keywordIds.includes(keywordId)) out.push(doc.id);
    }
    return out;
  }

  /** The indexed document of a media item (read-only view). */
  doc(id: string): Readonly<IndexedDoc> | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.docs[slot];
  }

  /** A keyword's title in searchable form, folded once per keyword. */
  private titleOf = (id: string): string | undefined => {
    let title = this.keywordTitles.get(id);
    if (title === undefined) {
      const raw = this.options.keywordTitle(id);
      title = raw ? searchable(raw) : '';
      this.keywordTitles.set(id, title);
    }
    return title || undefined;
  };

  private reset(): void {
    this.docs = [];
    this.slotOf = new Map();
    this.words = new Postings();
    this.terms = new TermList();
    this.byKeyword = new Postings();
    this.byType = new Postings();
    this.bySector = new Postings();
    this.byYear = new Postings();
    this.byStatus = new Postings();
    this.byLicence = new Postings();
    this.byAuthor = new Postings();
    this.keywordTitles.clear();
  }

  private addMedia(m: Media): void {
    const { doc, words } = toIndexedDoc(m, this.titleOf);
    this.add(doc, words);
  }

  /** `words`: the title's and description's words when the caller has them already. */
  private add(doc: IndexedDoc, words?: string[][]): void {
    const slot = this.docs.length;
    this.docs.push(doc);
    this.slotOf.set(doc.id, slot);
    // Word postings cover titles and descriptions; keyword titles are reached through the keyword
    // postings (see candidates), which saves a third of the work at build time.
    // Slots only grow, so "already the last entry" dedupes a word seen twice in one document.
    const { words: postings, terms } = this;
    if (words) {
      for (const list of words) for (const w of list) if (postings.add(w, slot)) terms.add(w);
    } else {
      for (const field of [doc.title, doc.description]) {
        for (const w of field.split(' ')) if (w && postings.add(w, slot)) terms.add(w);
      }
    }
    for (const k of doc.keywordIds) this.byKeyword.add(k, slot);
    this.byType.add(doc.type, slot);
    if (doc.sectorId !== null) this.bySector.add(doc.sectorId, slot);
    this.byYear.add(String(doc.year), slot);
    this.byStatus.add(doc.status, slot);
    this.byLicence.add(doc.licence, slot);
    if (doc.authorId !== null) this.byAuthor.add(doc.authorId, slot);
  }

  private drop(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.docs[slot] = undefined;
    this.slotOf.delete(id);
    return true;
  }

  /** Rebuilds the posting lists once dead entries outnumber live ones. */
  private maybeCompact(): void {
    const dead = this.docs.length - this.slotOf.size;
    if (dead < 1024 || dead < this.slotOf.size) return;
    const live = this.docs.filter((d): d is IndexedDoc => d !== undefined);
    const titles = this.keywordTitles;
    this.reset();
    this.keywordTitles = titles;
    for (const doc of live) this.add(doc);
  }

  /**
   * Calls `visit` once per candidate document: the slots of the most selective criterion (the
   * one with the fewest posting entries), or every document when nothing narrows the search.
   */
  private candidates(p: PreparedCriteria, visit: (doc: IndexedDoc) => void): void {
    const groups: PostingList[][] = [];
    const union = (postings: Postings, keys: Iterable<string>) => {
      const lists: PostingList[] = [];
      for (const k of keys) {
        const l = postings.get(k);
        if (l) lists.push(l);
      }
      groups.push(lists);
    };
    if (p.keywordIds.length) {
      if (p.kwMode === 'all') for (const k of p.keywordIds) union(this.byKeyword, [k]);
      else union(this.byKeyword, p.keywordIds);
    }
    if (p.types) union(this.byType, p.types);
    if (p.sectorIds) union(this.bySector, p.sectorIds);
    if (p.licences) union(this.byLicence, p.licences);
    if (p.authorIds) union(this.byAuthor, p.authorIds);
    if (p.statuses) union(this.byStatus, p.statuses);
    if (p.fromMs !== -Infinity || p.toMs !== Infinity) {
      const years: string[] = [];
      for (const key of this.byYear.lists.keys()) {
        const y = Number(key);
        if (Date.UTC(y + 1, 0, 1) > p.fromMs && Date.UTC(y, 0, 1) < p.toMs) years.push(key);
      }
      union(this.byYear, years);
    }
    for (const phrase of p.text.phrases) {
      union(this.words, [phrase.split(' ')[0]!]);
      this.addKeywordLists(groups[groups.length - 1]!, ` ${phrase} `);
    }
    for (const term of p.text.terms) {
      // A one-letter prefix can span thousands of words; another criterion is then likely smaller.
      union(this.words, this.terms.withPrefix(term));
      this.addKeywordLists(groups[groups.length - 1]!, ` ${term}`);
    }

    let best: PostingList[] | undefined;
    let bestSize = Infinity;
    for (const lists of groups) {
      let size = 0;
      for (const l of lists) size += l.length;
      if (size < bestSize) {
        best = lists;
        bestSize = size;
      }
    }
    if (!best) {
      for (const doc of this.docs) if (doc) visit(doc);
      return;
    }
    if (best.length === 1) {
      const { data, length } = best[0]!;
      for (let i = 0; i < length; i++) {
        const doc = this.docs[data[i]!];
        if (doc) visit(doc);
      }
      return;
    }
    const gen = this.nextGeneration();
    const seen = this.seen;
    for (const { data, length } of best) {
      for (let i = 0; i < length; i++) {
        const slot = data[i]!;
        if (seen[slot] === gen) continue;
        seen[slot] = gen;
        const doc = this.docs[slot];
        if (doc) visit(doc);
      }
    }
  }

  /** Adds to `lists` the postings of every keyword whose title contains `needle`. */
  private addKeywordLists(lists: PostingList[], needle: string): void {
    for (const [id, title] of this.keywordTitles) {
      if (!title.includes(needle)) continue;
      const list = this.byKeyword.get(id);
      if (list) lists.push(list);
    }
  }

  private nextGeneration(): number {
    if (this.seen.length < this.docs.length) this.seen = new Uint32Array(Math.max(this.docs.length, this.seen.length * 2));
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      this.seen.fill(0);
      this.generation = 1;
    }
    return this.generation;
  }
}
