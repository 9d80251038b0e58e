import { tokenize } from './fold.ts';

/** A parsed free-text query: every term and phrase must match; no excluded word may appear. */
export interface TextQuery {
  /** Folded words, each matched as a word prefix ("masq" finds "masques"). */
  terms: string[];
  /** Folded phrases (words joined by one space), matched as whole consecutive words; a quoted single word is exact, not a prefix. */
  phrases: string[];
  /** Folded words or phrases that must not appear (as whole words). */
  excluded: string[];
}

export function isEmptyText(q: TextQuery): boolean {
  return q.terms.length === 0 && q.phrases.length === 0 && q.excluded.length === 0;
}

/** `masques "carnaval de venise" -paris`: quoted parts are phrases, a leading dash excludes a word. */
export function parseTextQuery(raw: string): TextQuery {
  const out: TextQuery = { terms: [], phrases: [], excluded: [] };
  const re = /(-?)"([^"]*)"?|(\S+)/g;
  for (const m of raw.matchAll(re)) {
    if (m[2] !== undefined) {
      const phrase = tokenize(m[2]).join(' ');
      if (phrase) (m[1] ? out.excluded : out.phrases).push(phrase);
      continue;
    }
    const token = m[3]!;
    if (token.startsWith('-') && token.length > 1) {
      const words = tokenize(token.slice(1)).join(' ');
      if (words) out.excluded.push(words);
    } else {
      out.terms.push(...tokenize(token));
    }
  }
  out.terms = [...new Set(out.terms)];
  out.phrases = [...new Set(out.phrases)];
  out.excluded = [...new Set(out.excluded)];
  return out;
}
