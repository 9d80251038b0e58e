import { stripControls } from '../text/controls.ts';
import { fold } from '../search/index.ts';
import type { FormerKeywordSlug } from '../store/index.ts';

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
  return stripControls(text.normalize('NFC')).replace(/\s+/g, ' ').trim();
}

/** Titles are one keyword when they differ only by case ("Masques" = "masques", but not "masqués"). */
export function titleKey(title: string): string {
  return title.normalize('NFC').trim().toLowerCase();
}

/** What reading a keyword's address needs to know of it. */
export interface AddressedKeyword {
  groupId: string;
  slug: string;
  title: string;
  formerSlugs?: readonly FormerKeywordSlug[];
}

/** Former addresses a keyword keeps, at most (the newest). */
export const FORMER_SLUGS_MAX = 20;

const formerKey = (f: FormerKeywordSlug) => `${f.groupId}/${f.slug}`;

/**
 * `former` with `added` appended (an address added again moves to the end, the newest), without
 * `current` (a keyword renamed back to an old title gets its old address back), the last
 * FORMER_SLUGS_MAX kept.
 */
export function withFormerSlugs(former: readonly FormerKeywordSlug[] | undefined, added: readonly FormerKeywordSlug[], current: FormerKeywordSlug): FormerKeywordSlug[] {
  const byKey = new Map<string, FormerKeywordSlug>();
  for (const f of [...(former ?? []), ...added]) {
    byKey.delete(formerKey(f));
    byKey.set(formerKey(f), { groupId: f.groupId, slug: f.slug });
  }
  byKey.delete(formerKey(current));
  return [...byKey.values()].slice(-FORMER_SLUGS_MAX);
}

/** The keyword that had `slug` in group `groupId` before (a rename or a merge), if any. */
function formerHolder<K extends AddressedKeyword>(all: readonly K[], groupId: string, slug: string): K | undefined {
  return all.find((k) => k.formerSlugs?.some((f) => f.groupId === groupId && f.slug === slug));
}

/**
 * Every address `group/slug` → its keyword and the keyword's own group: each keyword's current
 * address, then its former ones where no keyword has that address now (a new keyword may take a
 * slug another one had: the address is then its own). Group slugs are compared as they are.
 */
export function keywordAddresses<G extends { id: string; slug: string }, K extends AddressedKeyword>(groups: readonly G[], keywords: readonly K[]): Map<string, { keyword: K; group: G }> {
  const byId = new Map(groups.map((g) => [g.id, g]));
  const map = new Map<string, { keyword: K; group: G }>();
  for (const keyword of keywords) {
    const group = byId.get(keyword.groupId);
    if (group) map.set(`${group.slug}/${keyword.slug}`, { keyword, group });
  }
  for (const keyword of keywords) {
    const group = byId.get(keyword.groupId);
    if (!group) continue;
    for (const f of keyword.formerSlugs ?? []) {
      const at = byId.get(f.groupId);
      const ref = at && `${at.slug}/${f.slug}`;
      if (ref && !map.has(ref)) map.set(ref, { keyword, group });
    }
  }
  return map;
}

/** The keyword at the address `group/slug`, a former one included (keywordAddresses). */
export function keywordAt<G extends { id: string; slug: string }, K extends AddressedKeyword>(groups: readonly G[], keywords: readonly K[], ref: string): { keyword: K; group: G } | undefined {
  return keywordAddresses(groups, keywords).get(ref);
}

/**
 * The keyword that `text` names in group `groupId`, most precise reading first: a keyword of the
 * group by its slug exactly (`masques-2`), else by its title (`Masqués`, any case), else by its slug
 * once `text` is slugified (`MASQUES` → `masques`), else the keyword that had that slug in the
 * group before a rename or a merge (it may now be in another group). Taking the loose reading
 * first picked "Masques" for "Masqués".
 */
export function findKeyword<K extends AddressedKeyword>(all: readonly K[], groupId: string, text: string): K | undefined {
  const inGroup = all.filter((k) => k.groupId === groupId);
  const wanted = normalizeTitle(text);
  const key = titleKey(wanted);
  const slug = slugify(wanted);
  return (
    inGroup.find((k) => k.slug === wanted) ??
    inGroup.find((k) => titleKey(k.title) === key) ??
    inGroup.find((k) => k.slug === slug) ??
    formerHolder(all, groupId, wanted) ??
    formerHolder(all, groupId, slug)
  );
}
