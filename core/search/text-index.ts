import { tokenize } from './fold.ts';
import { joined } from './doc.ts';

/** Words with the documents holding each (compressed rows: word i's documents are `docs[offsets[i] … offsets[i + 1])`). */
export interface PostingsPart {
  terms: string[];
  offsets: Int32Array;
  docs: Int32Array;
}

/**
 * The text half of the search index for documents numbered 0, 1, 2… in the order they were added:
 * every word of their titles and descriptions with the documents holding it (`~doc` when the word
 * is in the title, as Postings.addWord has it), and the searchable form of each title and
 * description, joined with "\n" (one string each crosses between threads in one copy).
 */
export interface TextIndexPart {
  count: number;
  words: PostingsPart;
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
    for (const word of titleWords) addTo(this.postings, word, ~doc);
    for (const word of descriptionWords) addTo(this.postings, word, doc);
    this.titles.push(joined(titleWords));
    this.descriptions.push(joined(descriptionWords));
  }

  finish(): TextIndexPart {
    return { count: this.titles.length, words: compress(this.postings), titles: this.titles.join('\n'), descriptions: this.descriptions.join('\n') };
  }
}

/** `entry`: the document, or `~doc` for a title word (added before the description's). */
function addTo(postings: Map<string, number[]>, word: string, entry: number): void {
  const list = postings.get(word);
  if (!list) postings.set(word, [entry]);
  else {
    const last = list[list.length - 1];
    if (last !== entry && last !== ~entry) list.push(entry);
  }
}

function compress(postings: Map<string, number[]>): PostingsPart {
  const terms = [...postings.keys()];
  const offsets = new Int32Array(terms.length + 1);
  let total = 0;
  terms.forEach((term, i) => {
    offsets[i] = total;
    total += postings.get(term)!.length;
  });
  offsets[terms.length] = total;
  const docs = new Int32Array(total);
  terms.forEach((term, i) => docs.set(postings.get(term)!, offsets[i]!));
  return { terms, offsets, docs };
}
