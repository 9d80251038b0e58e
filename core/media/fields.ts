import { stripControls } from '../text/controls.ts';
import type { Keyword, Media, MediaStatus, Store } from '../store/index.ts';
import { mediaStatuses } from '../store/index.ts';
import { MediaError, MediaErrors } from './errors.ts';
import { isLicence } from '../settings/licences.ts';
import { parsePublishAt } from './publish-at.ts';
import { findKeyword, normalizeTitle, slugify, uniqueSlug } from '../keywords/slug.ts';

/** What a user may set on a media item, after validation. */
export type MediaFields = Partial<Pick<Media, 'title' | 'description' | 'sectorId' | 'keywordIds' | 'licence' | 'status'>> & {
  /** A draft's scheduled publication (ISO instant), or null to cancel it. */
  publishAt?: string | null;
};

const limits = { title: 200, description: 10_000, licence: 100 };

function text(value: unknown, field: keyof typeof limits, required: boolean): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new MediaError('field_invalid', 400, field);
  const v = stripControls(value.replace(/\r\n/g, '\n')).trim();
  if (required && !v) throw new MediaError('field_required', 400, field);
  if (v.length > limits[field]) throw new MediaError('field_too_long', 400, field, { max: limits[field] });
  return v;
}

function list(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const arr = Array.isArray(value) ? value : [value];
  if (!arr.every((v) => typeof v === 'string')) throw new MediaError('field_invalid', 400, 'keywords');
  return (arr as string[]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/** A sector by id or slug; empty means none. */
async function sector(store: Store, value: unknown): Promise<string | null | undefined> {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new MediaError('field_invalid', 400, 'sector');
  if (!value.trim()) return null;
  const all = await store.sectors.list();
  const found = all.find((s) => s.slug === value.trim() || s.id === value.trim());
  if (!found) throw new MediaError('sector_unknown', 400, 'sector', { value: value.slice(0, 80) });
  return found.id;
}

/** A keyword of the `tags` group that the fields name but that does not exist yet: created once every field passed. */
interface NewTag {
  id: string;
  groupId: string;
  slug: string;
  title: string;
}

/**
 * Keywords by id, or `group/keyword` (the keyword's slug, title or former slug, see findKeyword); an unknown
 * keyword of the `tags` group is planned for creation (`create` makes it: nothing is stored while
 * another field may still be refused). A group that allows one keyword per media gets one.
 */
async function keywords(store: Store, values: string[] | undefined): Promise<{ create(): Promise<string[]> } | undefined> {
  if (values === undefined) return undefined;
  if (values.length > 100) throw new MediaError('field_invalid', 400, 'keywords');
  const [groups, all] = await Promise.all([store.keywordGroups.list(), store.keywords.list()]);
  const known: Array<Pick<Keyword, 'id' | 'groupId' | 'slug' | 'title' | 'formerSlugs'>> = [...all];
  const planned: NewTag[] = [];
  const ids: string[] = [];
  for (const v of values) {
    const byId = known.find((k) => k.id === v);
    if (byId) {
      if (!ids.includes(byId.id)) ids.push(byId.id);
      continue;
    }
    const m = /^([^/]+)\/(.+)$/.exec(v);
    const group = m && groups.find((g) => g.slug === m[1]);
    if (!m || !group) throw new MediaError('keyword_unknown', 400, 'keywords', { value: v.slice(0, 80) });
    let kw = findKeyword(known, group.id, m[2]!);
    if (!kw) {
      const inGroup = known.filter((k) => k.groupId === group.id);
      const title = normalizeTitle(m[2]!).slice(0, 100);
      if (group.slug !== 'tags' || !title) throw new MediaError('keyword_unknown', 400, 'keywords', { value: v.slice(0, 80) });
      // A stand-in id that no stored keyword has (ids never hold a NUL): a second mention finds it, as it would a created one.
      const tag: NewTag = { id: `\u0000new-${planned.length}`, groupId: group.id, slug: uniqueSlug(slugify(title), (s) => inGroup.some((k) => k.slug === s)), title };
      planned.push(tag);
      known.push(tag);
      kw = tag;
    }
    if (!ids.includes(kw.id)) ids.push(kw.id);
  }
  for (const group of groups) {
    if (group.multiple) continue;
    const chosen = known.filter((k) => k.groupId === group.id && ids.includes(k.id));
    if (chosen.length > 1) throw new MediaError('keyword_single', 400, 'keywords', { group: group.title, keywords: chosen.map((k) => k.title).join(', ') });
  }
  return {
    async create() {
      const made = new Map<string, string>();
      for (const tag of planned) made.set(tag.id, (await store.keywords.create({ groupId: tag.groupId, slug: tag.slug, title: tag.title, description: '' })).id);
      return ids.map((id) => made.get(id) ?? id);
    },
  };
}

/** Runs each check, keeping every MediaError; throws them together (or the one) at the end. */
function collect() {
  const problems: MediaError[] = [];
  return {
    async check<T>(fn: () => T | Promise<T>): Promise<T | undefined> {
      try {
        return await fn();
      } catch (err) {
        if (!(err instanceof MediaError)) throw err;
        problems.push(err);
        return undefined;
      }
    },
    throwIfAny() {
      if (problems.length === 1) throw problems[0];
      if (problems.length > 1) throw new MediaErrors(problems);
    },
  };
}

/**
 * Parses a form or JSON body into media fields. Every field is checked: a refusal throws a MediaError
 * naming its field, or MediaErrors (read as its first problem) when several fields are wrong.
 * Nothing is stored unless every field passed (a new tag is created only then).
 */
export interface ParseOptions {
  forCreate: boolean;
  /** The clock a publication time is checked against (epoch ms): it must be to come. */
  now?: number;
  /** The media's status before this change (a new media: draft unless the fields say otherwise). */
  currentStatus?: MediaStatus;
}

export async function parseMediaFields(store: Store, body: Record<string, unknown>, options: ParseOptions): Promise<MediaFields> {
  const out: MediaFields = {};
  const problems = collect();
  const title = await problems.check(() => text(body.title, 'title', !options.forCreate));
  if (title !== undefined && title !== '') out.title = title;
  const description = await problems.check(() => text(body.description, 'description', false));
  if (description !== undefined) out.description = description;
  const licence = await problems.check(() => {
    const value = text(body.licence, 'licence', false);
    // One of the site's licences (core/settings/licences.ts), as the skeleton's default licence.
    if (value && !isLicence(value)) throw new MediaError('licence_unknown', 400, 'licence', { value: value.slice(0, 80) });
    return value;
  });
  if (licence) out.licence = licence;
  await problems.check(() => {
    if (body.status === undefined || body.status === '') return;
    if (!(mediaStatuses as readonly unknown[]).includes(body.status)) throw new MediaError('status_invalid', 400, 'status');
    out.status = body.status as MediaStatus;
  });
  await problems.check(() => {
    const publishAt = parsePublishAt(body.publishAt, options.now ?? Date.now());
    if (publishAt === undefined) return;
    // Only a draft waits for its time: a published media has nothing left to schedule.
    if (publishAt !== null && (out.status ?? options.currentStatus ?? 'draft') === 'published') throw new MediaError('publish_at_published', 400, 'publishAt');
    out.publishAt = publishAt;
  });
  const sectorId = await problems.check(() => sector(store, body.sector ?? body.sectorId));
  if (sectorId !== undefined) out.sectorId = sectorId;
  const kw = await problems.check(() => keywords(store, list(body.keywords ?? body.keywordIds)));
  problems.throwIfAny();
  if (kw !== undefined) out.keywordIds = await kw.create();
  return out;
}
