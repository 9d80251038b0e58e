import { tokenize } from './fold.ts';
import { joined } from './doc.ts';
import { Postings } from './postings.ts';

/**
 * The text half of the search index for documents numbered 0, 1, 2… in the order they were added:
 * every word of their titles and descriptions with the documents holding it (compressed rows:
 * word i's entries are `docs[offsets[i] … offsets[i + 1])`, `~doc` when the word is in the title,
 * as Postings.addWord has it), and the searchable form of each title and description, joined with
 * "\n" (one string each crosses between threads in one copy).
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
  private postings = new Postings();
  private titles: string[] = [];
  private descriptions: string[] = [];

  add(title: string, description: string): void {
    const doc = this.titles.length;
    const titleWords = tokenize(title);
    const descriptionWords = tokenize(description);
    for (const word of titleWords) this.postings.addWord(word, doc, true);
    for (const word of descriptionWords) this.postings.addWord(word, doc, false);
    this.titles.push(joined(titleWords));
    this.descriptions.push(joined(descriptionWords));
  }

  finish(): TextIndexPart {
    const lists = [...this.postings.lists.values()];
    const offsets = new Int32Array(lists.length + 1);
    for (let i = 0; i < lists.length; i++) offsets[i + 1] = offsets[i]! + lists[i]!.length;
    const docs = new Int32Array(offsets[lists.length]!);
    lists.forEach((list, i) => docs.set(list.data.subarray(0, list.length), offsets[i]));
    return { count: this.titles.length, terms: [...this.postings.lists.keys()], offsets, docs, titles: this.titles.join('\n'), descriptions: this.descriptions.join('\n') };
  }
}
