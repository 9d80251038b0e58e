import { z } from 'zod';
import { foldText, slugify } from '../../core/plugins/api.ts';
import type { CollectionRecord } from './records.ts';

export const MAX_TITLE = 120;
export const MAX_DESCRIPTION = 2000;
export const MAX_ITEMS = 500;
/** Paths of the plugin's own that no collection may take as its slug. */
const RESERVED_SLUGS = ['manage', 'assets'];
const FORMER_SLUGS_KEPT = 20;

/** An error beside a field: the i18n key (under `errors.`) and its values. */
export interface FieldError {
  key: string;
  vars?: Record<string, unknown>;
}

/** What the collection form sent, as typed (for showing it back), line endings made `\n`. */
export interface TypedCollection {
  title: string;
  description: string;
}

const field = (value: unknown) => (typeof value === 'string' ? value.replace(/\r\n?/g, '\n') : '');

export function typedCollection(body: unknown): TypedCollection {
  const b = (body ?? {}) as Record<string, unknown>;
  return { title: field(b.title), description: field(b.description) };
}

const titleSchema = z.string().trim().min(1, 'title_required').max(MAX_TITLE, 'title_too_long').regex(/^[^\n]*$/, 'title_one_line');
const descriptionSchema = z.string().max(MAX_DESCRIPTION, 'description_too_long');

export type CollectionInput = { ok: true; title: string; description: string } | { ok: false; errors: { title?: FieldError; description?: FieldError } };

/** Checks the form; `others` are the other collections (a title is taken whatever its case and accents). */
export function checkCollection(typed: TypedCollection, others: readonly CollectionRecord[]): CollectionInput {
  const errors: { title?: FieldError; description?: FieldError } = {};
  const title = titleSchema.safeParse(typed.title);
  if (!title.success) errors.title = { key: title.error.issues[0]!.message, vars: { max: MAX_TITLE, length: typed.title.trim().length } };
  else if (others.some((c) => sameTitle(c.title, title.data))) errors.title = { key: 'title_taken' };
  const description = descriptionSchema.safeParse(typed.description.trim());
  if (!description.success) errors.description = { key: description.error.issues[0]!.message, vars: { max: MAX_DESCRIPTION, length: typed.description.trim().length } };
  if (!title.success || errors.title || !description.success) return { ok: false, errors };
  return { ok: true, title: title.data, description: description.data };
}

const sameTitle = (a: string, b: string) => foldText(a).replace(/\s+/g, ' ') === foldText(b).replace(/\s+/g, ' ');

/**
 * The collection's slug for `title`: core's slug of it (`collection` when nothing is left of it),
 * made unique among the others' current and former slugs (an old address keeps leading where it
 * did) and the plugin's own paths, by `-2`, `-3`…; its own current slug when that still fits.
 */
export function slugFor(title: string, current: CollectionRecord | undefined, others: readonly CollectionRecord[]): string {
  const taken = new Set([...RESERVED_SLUGS, ...others.flatMap((c) => [c.slug, ...c.formerSlugs])]);
  const root = slugify(title) || 'collection';
  // Retitled without changing its slug's words (case, punctuation): it keeps its address.
  if (current && (slugify(current.title) || 'collection') === root) return current.slug;
  if (!taken.has(root)) return root;
  for (let n = 2; ; n++) if (!taken.has(`${root}-${n}`)) return `${root}-${n}`;
}

/** The former slugs after a move from `current` to `slug`: the old one kept (the last 20), the new one no longer former. */
export function formerSlugsAfter(current: CollectionRecord, slug: string): string[] {
  if (current.slug === slug) return current.formerSlugs;
  return [...current.formerSlugs.filter((s) => s !== current.slug && s !== slug), current.slug].slice(-FORMER_SLUGS_KEPT);
}

/**
 * The media id a reference names: an id (`12`), or a media page's address, as a path
 * (`/media/12/carnaval`) or absolute on this site's host (`https://site.example/media/12`).
 * Undefined when it names none (another site, another page).
 */
export function mediaIdOf(reference: string, host: string | undefined): string | undefined {
  const text = reference.trim();
  if (/^\d{1,15}$/.test(text)) return text;
  let url: URL;
  try {
    url = new URL(text, 'http://kiosque.invalid');
  } catch {
    return undefined;
  }
  if (url.host !== 'kiosque.invalid' && (!host || url.host.toLowerCase() !== host.toLowerCase())) return undefined;
  if (url.host === 'kiosque.invalid' && !text.startsWith('/')) return undefined;
  return /^\/media\/(\d{1,15})(?:\/[^/]*)?\/?$/.exec(url.pathname)?.[1];
}
