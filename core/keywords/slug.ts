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

/** Titles are one keyword when they differ only by case ("Masques" = "masques", but not "masqués"). */
export function titleKey(title: string): string {
  return title.normalize('NFC').trim().toLowerCase();
}
