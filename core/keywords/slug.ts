import { fold } from '../search/index.ts';

/** URL slug: folded (no case, no accents), words joined by dashes. "Été indien" → "ete-indien". */
export function slugify(title: string, fallback = 'keyword'): string {
  const slug = fold(title).replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 80).replace(/-+$/, '');
  return slug || fallback;
}

/** `base`, else `base-2`, `base-3`… whichever is not taken. */
export function uniqueSlug(base: string, taken: (slug: string) => boolean): string {
  if (!taken(base)) return base;
  for (let n = 2; ; n++) if (!taken(`${base}-${n}`)) return `${base}-${n}`;
}

/** A title as stored: NFC, runs of white space as one space, trimmed. */
export function normalizeTitle(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** Titles are one keyword when they differ only by case ("Masques" = "masques", but not "masqués"). */
export function titleKey(title: string): string {
  return title.normalize('NFC').trim().toLowerCase();
}

/**
 * The keyword of a group that `text` names, most precise reading first: its slug exactly
 * (`masques-2`), else its title (`Masqués`, any case), else its slug once `text` is slugified
 * (`MASQUES` → `masques`). Taking the loose reading first picked "Masques" for "Masqués".
 */
export function findKeyword<K extends { slug: string; title: string }>(inGroup: readonly K[], text: string): K | undefined {
  const wanted = normalizeTitle(text);
  const key = titleKey(wanted);
  const slug = slugify(wanted);
  return inGroup.find((k) => k.slug === wanted) ?? inGroup.find((k) => titleKey(k.title) === key) ?? inGroup.find((k) => k.slug === slug);
}
