import { tokenize } from './fold.ts';
import { joined } from './doc.ts';

/**
 * The text half of the search index for documents numbered 0, 1, 2… in the order they were added:
 * every word of their titles and descriptions with the documents holding it (compressed rows:
 * word i's documents are `docs[offsets[i] … offsets[i + 1])`), and the searchable form of each
 * title and description, joined with "\n" (one string each crosses between threads in one copy).
 */
export interface TextIndexPart {
  count: number;
  terms: string[];
  offsets: Int32Array;
  docs: Int32Array;
  titles: string;
  descriptions: string;
}

/** Builds a TextIndexPart one document at a time (in a worker at start, see preload.ts). */
export class TextIndexBuilder {
  private postings = new Map<string, number[]>();
  private titles: string[] = [];
  private descriptions: string[] = [];

  add(title: string, description: string): void {
    const doc = this.titles.length;
    const titleWords = tokenize(title);
    const descriptionWords = tokenize(description);
    for (const words of [titleWords, descriptionWords]) {
      for (const word of words) {
        const list = this.postings.get(word);
        if (!list) this.postings.set(word, [doc]);
        else if (list[list.length - 1] !== doc) list.push(doc);
      }
    }
    this.titles.push(joined(titleWords));
    this.descriptions.push(joined(descriptionWords));
  }

  finish(): TextIndexPart {
    const terms = [...this.postings.keys()];
    const offsets = new Int32Array(terms.length + 1);
    let total = 0;
    terms.forEach((term, i) => {
      offsets[i] = total;
      total += this.postings.get(term)!.length;
    });
    offsets[terms.length] = total;
    const docs = new Int32Array(total);
    terms.forEach((term, i) => docs.set(this.postings.get(term)!, offsets[i]!));
    return { count: this.titles.length, terms, offsets, docs, titles: this.titles.join('\n'), descriptions: this.descriptions.join('\n') };
  }
}
