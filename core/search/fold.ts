/**
 * Text folding shared by indexing and querying, so both sides agree: lower case, accents removed
 * (NFD then combining marks dropped), ligatures spelled out. "Médias", "MÉDIAS" and "medias" fold alike.
 * Most text is ASCII once lower-cased, so only the other characters go through Unicode
 * normalisation, once each (cached): folding 100,000 descriptions stays well under a second.
 */
const ligatures: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', ŀ: 'l', ı: 'i', ø: 'o', đ: 'd', ł: 'l' };
const marksRe = /\p{M}+/gu;
const letterOrDigitRe = /^[\p{L}\p{N}]+$/u;
const nonAsciiRe = /[\u0080-\uffff]/;
const nonAsciiAllRe = /[\u0080-\u{10ffff}]/gu;
// After wordChar, every remaining non-ASCII unit belongs to a letter or digit: a plain (non-Unicode) split is enough, and faster.
const separatorsRe = /[^a-z0-9\u0080-\uffff]+/;

const foldCache = new Map<string, string>();
/** For words: a non-ASCII character that is not a letter or digit becomes a space. */
const wordCache = new Map<string, string>();

function foldChar(c: string): string {
  let out = foldCache.get(c);
  if (out === undefined) {
    out = c.normalize('NFD').replace(marksRe, '');
    out = [...out].map((x) => ligatures[x] ?? x).join('');
    if (foldCache.size < 100_000) foldCache.set(c, out);
  }
  return out;
}

function wordChar(c: string): string {
  let out = wordCache.get(c);
  if (out === undefined) {
    const folded = foldChar(c);
    out = folded === '' || letterOrDigitRe.test(folded) ? folded : ' ';
    if (wordCache.size < 100_000) wordCache.set(c, out);
  }
  return out;
}

export function fold(text: string): string {
  const lower = text.toLowerCase();
  return nonAsciiRe.test(lower) ? lower.replace(nonAsciiAllRe, foldChar) : lower;
}

/** Folded words: runs of letters and digits. "L'été 2024" → ["l", "ete", "2024"]. */
export function tokenize(text: string): string[] {
  if (!text) return [];
  const lower = text.toLowerCase();
  const folded = nonAsciiRe.test(lower) ? lower.replace(nonAsciiAllRe, wordChar) : lower;
  const words = folded.split(separatorsRe);
  // Separators at either end leave one empty string there, and only there.
  if (words[0] === '') words.shift();
  if (words.length && words[words.length - 1] === '') words.pop();
  return words;
}

/**
 * The searchable form of a field: its folded words joined by single spaces, with a leading space,
 * so " " + prefix finds a word start and " " + phrase + " " finds an exact phrase.
 */
export function searchable(text: string): string {
  const words = tokenize(text);
  return words.length ? ` ${words.join(' ')} ` : ' ';
}
