/**
 * Text folding shared by indexing and querying, so both sides agree: lower case, accents removed
 * (NFD then combining marks dropped), ligatures spelled out. "Médias", "MÉDIAS" and "medias" fold alike.
 */
const ligatures: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', ŀ: 'l', ı: 'i', ø: 'o', đ: 'd', ł: 'l' };
const ligatureRe = /[œæßŀıøđł]/g;
const marksRe = /\p{M}+/gu;
const nonWordRe = /[^\p{L}\p{N}]+/u;

export function fold(text: string): string {
  return text.toLowerCase().normalize('NFD').replace(marksRe, '').replace(ligatureRe, (c) => ligatures[c] ?? c);
}

/** Folded words: runs of letters and digits. "L'été 2024" → ["l", "ete", "2024"]. */
export function tokenize(text: string): string[] {
  if (!text) return [];
  return fold(text).split(nonWordRe).filter(Boolean);
}

/**
 * The searchable form of a field: its folded words joined by single spaces, with a leading space,
 * so " " + prefix finds a word start and " " + phrase + " " finds an exact phrase.
 */
export function searchable(text: string): string {
  const words = tokenize(text);
  return words.length ? ` ${words.join(' ')} ` : ' ';
}
