import { stripControls } from '../text/controls.ts';
import type { Media, MediaStatus, Store } from '../store/index.ts';
import { mediaStatuses } from '../store/index.ts';
import { MediaError } from './errors.ts';
import { isLicence } from '../settings/licences.ts';
import { findKeyword, normalizeTitle, slugify, uniqueSlug } from '../keywords/slug.ts';

/** What a user may set on a media item, after validation. */
export type MediaFields = Partial<Pick<Media, 'title' | 'description' | 'sectorId' | 'keywordIds' | 'licence' | 'status'>>;

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

/**
 * Keywords by id, or `group/keyword` (the keyword's slug, title or former slug, see findKeyword); an unknown
 * keyword of the `tags` group is created. A group that allows one keyword per media gets one.
 */
async function keywords(store: Store, values: string[] | undefined): Promise<string[] | undefined> {
  if (values === undefined) return undefined;
  if (values.length > 100) throw new MediaError('field_invalid', 400, 'keywords');
  const [groups, all] = await Promise.all([store.keywordGroups.list(), store.keywords.list()]);
  const known = [...all];
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
      const slug = uniqueSlug(slugify(title), (s) => inGroup.some((k) => k.slug === s));
      kw = await store.keywords.create({ groupId: group.id, slug, title, description: '' });
      known.push(kw);
    }
    if (!ids.includes(kw.id)) ids.push(kw.id);
  }
  for (const group of groups) {
    if (group.multiple) continue;
    const chosen = known.filter((k) => k.groupId === group.id && ids.includes(k.id));
    if (chosen.length > 1) throw new MediaError('keyword_single', 400, 'keywords', { group: group.title, keywords: chosen.map((k) => k.title).join(', ') });
  }
  return ids;
}

/** Parses a form or JSON body into media fields; `field` of a thrown MediaError names the culprit. */
export async function parseMediaFields(store: Store, body: Record<string, unknown>, options: { forCreate: boolean }): Promise<MediaFields> {
  const out: MediaFields = {};
  const title = text(body.title, 'title', !options.forCreate);
  if (title !== undefined && title !== '') out.title = title;
  const description = text(body.description, 'description', false);
  if (description !== undefined) out.description = description;
  const licence = text(body.licence, 'licence', false);
  if (licence) {
    // One of the site's licences (core/settings/licences.ts), as the skeleton's default licence.
    if (!isLicence(licence)) throw new MediaError('licence_unknown', 400, 'licence', { value: licence.slice(0, 80) });
    out.licence = licence;
  }
  if (body.status !== undefined && body.status !== '') {
    if (!(mediaStatuses as readonly unknown[]).includes(body.status)) throw new MediaError('status_invalid', 400, 'status');
    out.status = body.status as MediaStatus;
  }
  const sectorId = await sector(store, body.sector ?? body.sectorId);
  if (sectorId !== undefined) out.sectorId = sectorId;
  const kw = await keywords(store, list(body.keywords ?? body.keywordIds));
  if (kw !== undefined) out.keywordIds = kw;
  return out;
}
