import type { Media } from '../store/index.ts';
import type { Facets, SearchCriteria, SearchResult } from './criteria.ts';
import { joined, toIndexedDoc, type IndexedDoc } from './doc.ts';
import { searchable, tokenize } from './fold.ts';
import { matches, prepare, type PreparedCriteria } from './match.ts';
import { lowerBound, PostingList, Postings, TermList } from './postings.ts';
import { sortSlots } from './sort.ts';
import { DocColumns } from './columns.ts';
import type { PreloadedText } from './preload.ts';
import { createFacetCounter } from './facets.ts';

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
  /** What sorting and facets read, by slot (see columns.ts). */
  private columns = new DocColumns();
  private slotOf = new Map<string, number>();
  /** Title and description words; a title's entries are negative (see Postings.addWord). */
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
  private countFacets = createFacetCounter();
  private generation = 0;
  private keywordTitles = new Map<string, string>();
  /** Every word of the keyword titles above, sorted, with its keyword (rebuilt after they change). */
  private keywordWords: { words: string[]; ids: string[] } | null = null;
  /** Dense numbering of keyword and sector ids, for facet counters (never shrinks until a rebuild). */
  private keywordNames: string[] = [];
  private keywordNum = new Map<string, number>();
  private sectorNames: string[] = [];
  private sectorNum = new Map<string, number>();

  private number(id: string, names: string[], nums: Map<string, number>): number {
    let n = nums.get(id);
    if (n === undefined) {
      n = names.length;
      names.push(id);
      nums.set(id, n);
    }
    return n;
  }

  constructor(private readonly options: SearchIndexOptions) {}

  /**
   * Counts the changes: a cache of what searches found (the page cache) keeps it in its token, so
   * a page rendered before the index caught up with a store write is never served after.
   */
  version = 0;

  get size(): number {
    return this.slotOf.size;
  }

  /** Replaces the whole content (start, `kiosque reindex`). */
  rebuild(media: Iterable<Media>): void {
    this.version++;
    this.reset();
    for (const m of media) this.addMedia(m);
  }

  /**
   * The same, with the text half built elsewhere (by a worker while the store loaded, see
   * core/search/preload.ts): every other part is indexed while `text` is still on its way, then
   * the words are put in. `text` is used only if it is about these very records in this order;
   * otherwise (or null) the words are read here.
   */
  async rebuildWith(media: readonly Media[], text: Promise<PreloadedText | null>): Promise<void> {
    this.version++;
    this.reset();
    for (const m of media) this.add(toIndexedDoc(m, noText).doc, null);
    const preloaded = await text;
    if (preloaded && sameRecords(media, preloaded.records)) {
      const { part } = preloaded;
      for (let i = 0; i < part.terms.length; i++) {
        const term = part.terms[i]!;
        this.words.lists.set(term, PostingList.over(part.docs.subarray(part.offsets[i], part.offsets[i + 1])));
        this.terms.add(term);
      }
      const titles = part.titles.split('\n');
      const descriptions = part.descriptions.split('\n');
      for (let slot = 0; slot < media.length; slot++) {
        const doc = this.docs[slot]!;
        doc.title = titles[slot]!;
        doc.description = descriptions[slot]!;
      }
      return;
    }
    for (let slot = 0; slot < media.length; slot++) {
      const titleWords = tokenize(media[slot]!.title);
      const descriptionWords = tokenize(media[slot]!.description);
      const doc = this.docs[slot]!;
      doc.title = joined(titleWords);
      doc.description = joined(descriptionWords);
      this.addWords(slot, titleWords, descriptionWords);
    }
  }

  /** Indexes a new or changed media item. */
  upsert(media: Media): void {
    this.version++;
    this.drop(media.id);
    this.addMedia(media);
    this.maybeCompact();
  }

  remove(id: string): boolean {
    this.version++;
    const had = this.drop(id);
    this.maybeCompact();
    return had;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /** A media item's view count changed: only the count, so no re-indexing of its words. */
  setViews(id: string, views: number): void {
    const slot = this.slotOf.get(id);
    const doc = slot === undefined ? undefined : this.docs[slot];
    if (doc) {
      doc.views = views;
      this.columns.views[slot!] = views;
    }
    this.version++;
  }

  /** A keyword was renamed (or its title became known): its media now match the new title. */
  keywordChanged(keywordId: string): void {
    // Documents hold keyword ids, not their titles: forgetting the cached title is enough.
    this.keywordTitles.delete(keywordId);
    this.keywordWords = null;
    this.version++;
  }

  search(c: SearchCriteria): SearchResult {
    const p = prepare(c);
    const { slots, exact } = this.candidates(p);
    const { docs, columns } = this;
    const found = exact ? slots : slots.filter((slot) => matches(docs[slot]!, p, this.titleOf));
    // Relevance without words to rank by is every score 0, then the date: the date sort, unscored.
    const ranked = p.text.terms.length > 0 || p.text.phrases.length > 0;
    const sort = c.sort === 'relevance' && !ranked ? 'date' : c.sort;
    if (sort === 'relevance') this.score(found, p.text);
    const perPage = c.perPage;
    const pages = Math.max(1, Math.ceil(found.length / perPage));
    const start = (c.page - 1) * perPage;
    const page = sortSlots(found, sort, c.order, start + perPage, columns, (slot) => docs[slot]!.title).slice(start, start + perPage);
    const facets: Facets | undefined = c.facets ? this.countFacets(found, columns, c.facetLimit ?? this.options.facetLimit ?? 30, { keywords: this.keywordNames, sectors: this.sectorNames }) : undefined;
    return { ids: page.map((slot) => docs[slot]!.id), total: found.length, page: c.page, perPage, pages, facets };
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

  /** How many indexed media each sector holds, whatever their status (the admin sectors page). */
  sectorCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const [sectorId, list] of this.bySector.lists) {
      let n = 0;
      for (let i = 0; i < list.length; i++) if (this.docs[list.data[i]!]?.sectorId === sectorId) n++;
      if (n) counts.set(sectorId, n);
    }
    return counts;
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
      this.keywordWords = null;
    }
    return title || undefined;
  };

  private reset(): void {
    this.docs = [];
    this.columns = new DocColumns();
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
    this.keywordWords = null;
    this.keywordNames = [];
    this.keywordNum = new Map();
    this.sectorNames = [];
    this.sectorNum = new Map();
  }

  private addMedia(m: Media): void {
    const { doc, words } = toIndexedDoc(m);
    this.add(doc, words ?? undefined);
  }

  /**
   * `words`: the title's and description's words when the caller has them already; null when they
   * are in the word postings already (a preloaded text index); undefined: read them from the doc.
   */
  private add(doc: IndexedDoc, words?: string[][] | null): void {
    const slot = this.docs.length;
    this.docs.push(doc);
    this.slotOf.set(doc.id, slot);
    // Word postings cover titles and descriptions; keyword titles are reached through the keyword
    // postings (see candidates), which saves a third of the work at build time.
    // Slots only grow, so "already the last entry" dedupes a word seen twice in one document.
    if (words) this.addWords(slot, words[0]!, words[1]!);
    else if (words === undefined) this.addWords(slot, doc.title.split(' ').filter(Boolean), doc.description.split(' ').filter(Boolean));
    const keywordNums = doc.keywordIds.map((k) => this.number(k, this.keywordNames, this.keywordNum));
    this.columns.push(doc, keywordNums, doc.sectorId === null ? -1 : this.number(doc.sectorId, this.sectorNames, this.sectorNum));
    for (const k of doc.keywordIds) this.byKeyword.add(k, slot);
    this.byType.add(doc.type, slot);
    if (doc.sectorId !== null) this.bySector.add(doc.sectorId, slot);
    this.byYear.add(String(doc.year), slot);
    this.byStatus.add(doc.status, slot);
    this.byLicence.add(doc.licence, slot);
    if (doc.authorId !== null) this.byAuthor.add(doc.authorId, slot);
  }

  private addWords(slot: number, titleWords: readonly string[], descriptionWords: readonly string[]): void {
    const { words, terms } = this;
    for (const w of titleWords) if (words.addWord(w, slot, true)) terms.add(w);
    for (const w of descriptionWords) if (words.addWord(w, slot, false)) terms.add(w);
  }

  /**
   * Relevance of each found slot into `columns.score`: a term or phrase found in the title weighs
   * ten times one found elsewhere. A term's title hits are the negative entries of its words'
   * postings: for a broad term, reading those lists in order beats reading every found title
   * (26,000 titles for one common word took 20 ms); for a few results, their titles are cheaper.
   */
  private score(found: readonly number[], text: PreparedCriteria['text']): void {
    const { score } = this.columns;
    const base = text.terms.length + text.phrases.length;
    for (const slot of found) score[slot] = base;
    const needles = text.phrases.map((phrase) => ` ${phrase} `);
    for (const term of text.terms) {
      const lists: PostingList[] = [];
      let entries = 0;
      for (const word of this.terms.withPrefix(term)) {
        const list = this.words.get(word);
        if (list) {
          lists.push(list);
          entries += list.length;
        }
      }
      if (entries > found.length * 8) {
        needles.push(` ${term}`);
        continue;
      }
      // Slots outside `found` may get a score too; it is never read.
      const mark = this.nextGenerations(0);
      const seen = this.seen;
      for (const { data, length } of lists) {
        for (let i = 0; i < length; i++) {
          const entry = data[i]!;
          if (entry >= 0) continue;
          const slot = ~entry;
          if (seen[slot] === mark) continue;
          seen[slot] = mark;
          score[slot] = score[slot]! + 9;
        }
      }
    }
    if (!needles.length) return;
    for (const slot of found) {
      const { title } = this.docs[slot]!;
      for (const needle of needles) if (title.includes(needle)) score[slot] = score[slot]! + 9;
    }
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
    this.keywordWords = null;
    for (const doc of live) this.add(doc);
  }

  /**
   * The candidate documents: the posting lists of each criterion form a group (OR inside); the
   * smallest group drives, and the other groups are intersected with it through a mark array as
   * long as they are not much larger (then a per-document check is cheaper). `exact` says that
   * every criterion was applied exactly, so the candidates need no further check.
   */
  private candidates(p: PreparedCriteria): { slots: number[]; exact: boolean } {
    const groups: Array<{ lists: PostingList[]; size: number; exact: boolean }> = [];
    const group = (postings: Postings, keys: Iterable<string>, exact = true) => {
      const lists: PostingList[] = [];
      for (const k of keys) {
        const l = postings.get(k);
        if (l) lists.push(l);
      }
      const g = { lists, size: 0, exact };
      groups.push(g);
      return g;
    };
    if (p.keywordIds.length) {
      if (p.kwMode === 'all') for (const k of p.keywordIds) group(this.byKeyword, [k]);
      else group(this.byKeyword, p.keywordIds);
    }
    if (p.types) group(this.byType, p.types);
    if (p.sectorIds) group(this.bySector, p.sectorIds);
    if (p.licences) group(this.byLicence, p.licences);
    if (p.authorIds) group(this.byAuthor, p.authorIds);
    if (p.statuses) group(this.byStatus, p.statuses);
    if (p.fromMs !== -Infinity || p.toMs !== Infinity) {
      const years: string[] = [];
      for (const key of this.byYear.lists.keys()) {
        const y = Number(key);
        if (Date.UTC(y + 1, 0, 1) > p.fromMs && Date.UTC(y, 0, 1) < p.toMs) years.push(key);
      }
      group(this.byYear, years, false);
    }
    // A phrase needs each of its words (or a keyword title holding the whole phrase); the word order is checked on the survivors.
    for (const phrase of p.text.phrases) {
      for (const word of new Set(phrase.split(' '))) this.addKeywordLists(group(this.words, [word], false).lists, ` ${phrase} `);
    }
    // Word postings for the prefix, plus the media of keywords whose title has a word with it.
    for (const term of p.text.terms) this.addKeywordListsByPrefix(group(this.words, this.terms.withPrefix(term)).lists, term);

    let exact = p.text.excluded.length === 0;
    if (!groups.length) {
      const all: number[] = [];
      for (let slot = 0; slot < this.docs.length; slot++) if (this.docs[slot] !== undefined) all.push(slot);
      return { slots: all, exact };
    }
    for (const g of groups) for (const l of g.lists) g.size += l.length;
    groups.sort((a, b) => a.size - b.size);
    const driver = groups[0]!;
    if (!driver.exact) exact = false;

    const base = this.nextGenerations(groups.length);
    const seen = this.seen;
    const slots: number[] = [];
    for (const { data, length } of driver.lists) {
      for (let i = 0; i < length; i++) {
        const entry = data[i]!;
        const slot = entry < 0 ? ~entry : entry; // a word in a title (see Postings.addWord)
        if (seen[slot] === base) continue;
        seen[slot] = base;
        slots.push(slot);
      }
    }
    let level = base;
    for (let g = 1; g < groups.length; g++) {
      const { lists, size, exact: groupExact } = groups[g]!;
      if (size > 32 * Math.max(slots.length, 64)) {
        exact = false;
        continue;
      }
      if (!groupExact) exact = false;
      for (const { data, length } of lists) {
        for (let i = 0; i < length; i++) {
          const entry = data[i]!;
          const slot = entry < 0 ? ~entry : entry;
          if (seen[slot] === level) seen[slot] = level + 1;
        }
      }
      level++;
    }
    const found: number[] = [];
    for (const slot of slots) if (seen[slot] === level && this.docs[slot] !== undefined) found.push(slot);
    return { slots: found, exact };
  }

  /** Adds to `lists` the postings of every keyword whose title contains `needle`. */
  private addKeywordLists(lists: PostingList[], needle: string): void {
    for (const id of this.keywordNames) {
      if (!this.titleOf(id)?.includes(needle)) continue;
      const list = this.byKeyword.get(id);
      if (list) lists.push(list);
    }
  }

  /** Adds to `lists` the postings of every keyword whose title has a word starting with `prefix` (a binary search, not a scan). */
  private addKeywordListsByPrefix(lists: PostingList[], prefix: string): void {
    if (!this.keywordWords) {
      const pairs: Array<[string, string]> = [];
      for (const id of this.keywordNames) for (const word of this.titleOf(id)?.split(' ') ?? []) if (word) pairs.push([word, id]);
      pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      this.keywordWords = { words: pairs.map((p) => p[0]), ids: pairs.map((p) => p[1]) };
    }
    const { words, ids } = this.keywordWords;
    const lo = lowerBound(words, prefix);
    const added = new Set<string>();
    for (let i = lo; i < words.length && words[i]!.startsWith(prefix); i++) {
      const id = ids[i]!;
      if (added.has(id)) continue;
      added.add(id);
      const list = this.byKeyword.get(id);
      if (list) lists.push(list);
    }
  }

  /** Reserves `count + 1` consecutive mark values for one query. */
  private nextGenerations(count: number): number {
    if (this.seen.length < this.docs.length) this.seen = new Uint32Array(Math.max(this.docs.length, this.seen.length * 2));
    if (this.generation + count + 2 >= 0xffffffff) {
      this.seen.fill(0);
      this.generation = 0;
    }
    const base = this.generation + 1;
    this.generation += count + 1;
    return base;
  }

}

/** Placeholder text for documents whose words come later (rebuildWith). */
const noText = { title: ' ', description: ' ' };

function sameRecords(a: readonly Media[], b: readonly Media[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
