import { cachedRead, type FormerKeywordSlug, type Keyword, type KeywordGroup, type Media, type Store } from '../store/index.ts';
import type { SearchService } from '../search/index.ts';
import { fold } from '../search/index.ts';
import { findKeyword, keywordAddresses, normalizeTitle, slugify, titleKey, uniqueSlug, withFormerSlugs } from './slug.ts';

/** The order keyword lists follow: String.prototype.localeCompare's (the default locale), compared by one collator. */
const titleOrder = new Intl.Collator();

export const TAGS_GROUP = 'tags';
export const TITLE_MAX = 100;

/** A refusal the user can act on; `code` is an i18n key under `keywords.errors`. */
export class KeywordInputError extends Error {
  constructor(public readonly code: string, public readonly field: string, public readonly vars: Record<string, unknown> = {}) {
    super(code);
    this.name = 'KeywordInputError';
  }
}

export interface KeywordWithGroup extends Keyword {
  group: KeywordGroup;
  /** `group/slug`, as in `kw=` and `/keywords/:group/:keyword`. */
  ref: string;
}

export interface KeywordService {
  /** Creates the `tags` group when missing (start), titled `title` (the default title in the site's language). */
  ensureTagsGroup(title: string): Promise<KeywordGroup>;
  /**
   * Gives the `tags` group the default title `to` (the site's language changed) if it still bears a
   * default title of some language (`defaults`), i.e. nobody renamed it. Another group already
   * titled `to` keeps its title, and this one keeps its own.
   */
  retitleTagsGroup(defaults: string[], to: string): Promise<void>;
  groups(): Promise<KeywordGroup[]>;
  /** Slugs of the groups the main navigation shows (the skeleton page's choice). */
  navigationGroups(): Promise<string[]>;
  group(idOrSlug: string): Promise<KeywordGroup | undefined>;
  createGroup(input: { title: string; multiple?: boolean; inNavigation?: boolean }): Promise<KeywordGroup>;
  updateGroup(id: string, patch: { title?: string; multiple?: boolean; inNavigation?: boolean }): Promise<KeywordGroup>;
  list(filter?: { groupId?: string; prefix?: string; limit?: number }): Promise<KeywordWithGroup[]>;
  get(id: string): Promise<KeywordWithGroup | undefined>;
  /**
   * `group/slug` → keyword, a former address (before a rename or a merge) included; the answer's
   * `ref` is always the keyword's current address.
   */
  resolve(ref: string): Promise<KeywordWithGroup | undefined>;
  create(groupId: string, title: string, description?: string): Promise<Keyword>;
  /**
   * For media forms and the upload API: `group/keyword` by slug, else (tags group only, when
   * `createTags`) an existing tag with that title after case folding, else a new tag with that title.
   */
  findOrCreate(ref: string, options: { createTags: boolean }): Promise<KeywordWithGroup>;
  /**
   * Renames a keyword. Its address follows the title when the title's slug changes; the old address
   * becomes a former one (it redirects, and `kw=` still finds the keyword).
   */
  rename(id: string, title: string): Promise<Keyword>;
  /** How many media (any status) carry the keyword. */
  usage(id: string): number;
  /**
   * Moves every media of `sourceId` to `targetId`, then deletes the source; the source's addresses
   * (current and former) become former addresses of the target. Returns media changed.
   */
  merge(sourceId: string, targetId: string): Promise<number>;
  /** Detaches the keyword from its media, then deletes it. Returns media changed. */
  remove(id: string): Promise<number>;
  /** How many keywords a group holds, and how many media (any status) carry at least one of them. */
  groupUsage(id: string): Promise<{ keywords: number; media: number }>;
  /**
   * Deletes a group and its keywords, detaching them from their media first (the media stay).
   * The tags group is refused (`group_protected`): uploads and editors create tags in it.
   * Returns what groupUsage counted.
   */
  removeGroup(id: string): Promise<{ keywords: number; media: number }>;
  /** The keywords most often found together with this one, most frequent first. */
  related(id: string, limit?: number): Promise<Array<KeywordWithGroup & { count: number }>>;
}

function cleanTitle(raw: string, of: 'keyword' | 'group' = 'keyword'): string {
  const title = normalizeTitle(raw);
  if (!title) throw new KeywordInputError(of === 'group' ? 'group_title_required' : 'title_required', 'title');
  if (title.length > TITLE_MAX) throw new KeywordInputError('title_too_long', 'title', { max: TITLE_MAX });
  return title;
}

/** `signal`: aborted when the app closes, so the service's cached reads stop listening to the store. */
export function createKeywordService(deps: { store: Store; search: SearchService; signal: AbortSignal }): KeywordService {
  const { store, search, signal } = deps;
  // `group/slug` → keyword, for every search and keyword page: kept until keywords or groups change.
  // Former addresses included (keywordAddresses).
  const byRef = cachedRead(store, ['keywords', 'keywordGroups'], async () => keywordAddresses(await store.keywordGroups.list(), await store.keywords.list()), { signal });

  // Every keyword, folded title beside it, in list order: kept until keywords change. Copying and
  // sorting 2,000 keywords out of the store took a third of the keywords admin page, and ran on
  // every autocomplete keystroke. Frozen: each caller gets its own shallow copy (withGroups).
  const sortedKeywords = cachedRead(store, ['keywords'], async () =>
    (await store.keywords.list())
      .map((k) => ({ k: Object.freeze({ ...k, ...(k.formerSlugs ? { formerSlugs: Object.freeze(k.formerSlugs.map((f) => Object.freeze({ ...f }))) as FormerKeywordSlug[] } : {}) }), title: fold(k.title) }))
      .sort((a, b) => titleOrder.compare(a.title, b.title)),
    { signal },
  );

  async function withGroups(list: Keyword[]): Promise<KeywordWithGroup[]> {
    const groups = new Map((await store.keywordGroups.list()).map((g) => [g.id, g]));
    return list.flatMap((k) => {
      const group = groups.get(k.groupId);
      return group ? [{ ...k, group, ref: `${group.slug}/${k.slug}` }] : [];
    });
  }

  /**
   * The main navigation shows the groups the skeleton page lists (`navigationKeywordGroups`, by
   * slug): the keywords page's "Show in navigation" box reads and writes that same list, so the two
   * pages never disagree. The group's own `inNavigation` follows it.
   */
  const groupSlugs = (skeleton: Record<string, unknown> | undefined): string[] => {
    const list = skeleton?.navigationKeywordGroups;
    return Array.isArray(list) ? list.filter((g): g is string => typeof g === 'string') : [];
  };
  async function navigationGroups(): Promise<string[]> {
    return groupSlugs(await store.settings.get<Record<string, unknown>>('skeleton'));
  }
  async function setInNavigation(slug: string, shown: boolean): Promise<void> {
    const skeleton = (await store.settings.get<Record<string, unknown>>('skeleton')) ?? {};
    const current = groupSlugs(skeleton);
    if (current.includes(slug) === shown) return;
    await store.settings.set('skeleton', { ...skeleton, navigationKeywordGroups: shown ? [...current, slug] : current.filter((g) => g !== slug) });
  }

  async function requireGroup(id: string): Promise<KeywordGroup> {
    const group = await store.keywordGroups.get(id);
    if (!group) throw new KeywordInputError('group_not_found', 'group');
    return group;
  }

  async function requireKeyword(id: string, field = 'keyword'): Promise<Keyword> {
    const keyword = await store.keywords.get(id);
    if (!keyword) throw new KeywordInputError('keyword_not_found', field);
    return keyword;
  }

  async function checkTitleFree(groupId: string, title: string, exceptId?: string): Promise<void> {
    const key = titleKey(title);
    const clash = (await store.keywords.list()).find((k) => k.groupId === groupId && k.id !== exceptId && titleKey(k.title) === key);
    if (clash) throw new KeywordInputError('title_taken', 'title', { title: clash.title });
  }

  /**
   * How many media (any status) would carry more than one keyword of `groupId`, once every keyword
   * in `renamed`'s keys is replaced by its value (a merge; empty for the media as they are).
   */
  async function mediaWithSeveral(groupId: string, renamed: Map<string, string>): Promise<number> {
    const inGroup = new Set((await store.keywords.list()).filter((k) => k.groupId === groupId).map((k) => k.id));
    for (const [from, to] of renamed) if (inGroup.has(to)) inGroup.add(from);
    const perMedia = new Map<string, Set<string>>();
    for (const keywordId of inGroup) {
      for (const mediaId of search.index.idsWithKeyword(keywordId)) {
        const set = perMedia.get(mediaId) ?? new Set<string>();
        set.add(renamed.get(keywordId) ?? keywordId);
        perMedia.set(mediaId, set);
      }
    }
    let crowded = 0;
    for (const set of perMedia.values()) if (set.size > 1) crowded++;
    return crowded;
  }

  /**
   * Gives the addresses in `claimed` to the keyword `ownerId`: any other keyword that listed one of
   * them as a former address forgets it, so each former address leads to one keyword, the last to
   * have had it.
   */
  async function releaseFormer(claimed: readonly FormerKeywordSlug[], ownerId: string): Promise<void> {
    const keys = new Set(claimed.map((f) => `${f.groupId}/${f.slug}`));
    for (const k of await store.keywords.list()) {
      if (k.id === ownerId || !k.formerSlugs?.some((f) => keys.has(`${f.groupId}/${f.slug}`))) continue;
      await store.keywords.update(k.id, { formerSlugs: k.formerSlugs.filter((f) => !keys.has(`${f.groupId}/${f.slug}`)) });
    }
  }

  /** The ids of the media (any status) carrying at least one of `keywordIds`, from the index. */
  function mediaWithAny(keywordIds: readonly string[]): string[] {
    const ids = new Set<string>();
    for (const k of keywordIds) for (const m of search.index.idsWithKeyword(k)) ids.add(m);
    return [...ids];
  }

  /** Rewrites media through `fn`, then re-indexes those that changed. */
  async function rewriteMedia(ids: string[], fn: (m: Media) => string[] | undefined): Promise<number> {
    const now = new Date().toISOString();
    const changed = await store.media.updateMany(ids, (m) => {
      const keywordIds = fn(m);
      return keywordIds ? { keywordIds, updatedAt: now } : undefined;
    });
    for (const id of ids) {
      const m = await store.media.get(id);
      if (m) search.upsert(m);
    }
    return changed;
  }

  const service: KeywordService = {
    async ensureTagsGroup(title) {
      const groups = await store.keywordGroups.list();
      const tags = groups.find((g) => g.slug === TAGS_GROUP);
      if (tags) return tags;
      return store.keywordGroups.create({ slug: TAGS_GROUP, title, multiple: true, inNavigation: true, order: 0 });
    },
    async retitleTagsGroup(defaults, to) {
      const groups = await store.keywordGroups.list();
      const tags = groups.find((g) => g.slug === TAGS_GROUP);
      if (!tags || tags.title === to || !defaults.includes(tags.title)) return;
      if (groups.some((g) => g !== tags && titleKey(g.title) === titleKey(to))) return;
      await store.keywordGroups.update(tags.id, { title: to });
    },
    navigationGroups,
    async groups() {
      return (await store.keywordGroups.list()).sort((a, b) => a.order - b.order || a.title.localeCompare(b.title));
    },
    async group(idOrSlug) {
      return (await store.keywordGroups.list()).find((g) => g.id === idOrSlug || g.slug === idOrSlug);
    },
    async createGroup(input) {
      const title = cleanTitle(input.title, 'group');
      const groups = await store.keywordGroups.list();
      if (groups.some((g) => titleKey(g.title) === titleKey(title))) throw new KeywordInputError('group_title_taken', 'title', { title });
      const slug = uniqueSlug(slugify(title, 'group'), (s) => groups.some((g) => g.slug === s));
      const order = groups.reduce((max, g) => Math.max(max, g.order + 1), 0);
      const created = await store.keywordGroups.create({ slug, title, multiple: input.multiple ?? true, inNavigation: input.inNavigation ?? false, order });
      if (input.inNavigation !== undefined) await setInNavigation(slug, input.inNavigation);
      return created;
    },
    async updateGroup(id, patch) {
      const group = await requireGroup(id);
      const next: Partial<KeywordGroup> = {};
      if (patch.title !== undefined) {
        const title = cleanTitle(patch.title, 'group');
        const groups = await store.keywordGroups.list();
        if (groups.some((g) => g.id !== id && titleKey(g.title) === titleKey(title))) throw new KeywordInputError('group_title_taken', 'title', { title });
        next.title = title;
      }
      if (patch.multiple !== undefined) {
        // Allowing one keyword per media again must not leave media breaking the rule (their next edit would fail).
        if (!patch.multiple && group.multiple) {
          const crowded = await mediaWithSeveral(group.id, new Map());
          if (crowded > 0) throw new KeywordInputError('group_single_conflict', 'multiple', { count: crowded });
        }
        next.multiple = patch.multiple;
      }
      if (patch.inNavigation !== undefined) next.inNavigation = patch.inNavigation;
      const updated = (await store.keywordGroups.update(group.id, next))!;
      if (patch.inNavigation !== undefined) await setInNavigation(group.slug, patch.inNavigation);
      return updated;
    },
    async list(filter = {}) {
      let folded = await sortedKeywords();
      if (filter.groupId) folded = folded.filter(({ k }) => k.groupId === filter.groupId);
      if (filter.prefix) {
        const prefix = fold(filter.prefix).trim();
        folded = folded.filter(({ title }) => title.startsWith(prefix) || title.includes(` ${prefix}`));
      }
      if (filter.limit) folded = folded.slice(0, filter.limit);
      return withGroups(folded.map(({ k }) => k));
    },
    async get(id) {
      const k = await store.keywords.get(id);
      return k ? (await withGroups([k]))[0] : undefined;
    },
    async resolve(ref) {
      const m = /^([^/]+)\/([^/]+)$/.exec(ref);
      if (!m) return undefined;
      const found = (await byRef()).get(`${m[1]}/${m[2]}`);
      if (!found) return undefined;
      const { keyword, group } = found;
      return { ...keyword, ...(keyword.formerSlugs ? { formerSlugs: keyword.formerSlugs.map((f) => ({ ...f })) } : {}), group: { ...group }, ref: `${group.slug}/${keyword.slug}` };
    },
    async create(groupId, rawTitle, description = '') {
      const group = await requireGroup(groupId);
      const title = cleanTitle(rawTitle);
      await checkTitleFree(group.id, title);
      const inGroup = (await store.keywords.list()).filter((k) => k.groupId === group.id);
      const slug = uniqueSlug(slugify(title), (s) => inGroup.some((k) => k.slug === s));
      const keyword = await store.keywords.create({ groupId: group.id, slug, title, description });
      search.keywordChanged(keyword);
      return keyword;
    },
    async findOrCreate(ref, options) {
      const found = await service.resolve(ref);
      if (found) return found;
      const m = /^([^/]+)\/(.+)$/.exec(ref.trim());
      const group = m && (await service.group(m[1]!));
      if (!m || !group) throw new KeywordInputError('keyword_not_found', 'keywords');
      const title = cleanTitle(m[2]!);
      const same = findKeyword(await store.keywords.list(), group.id, title);
      if (same) return (await service.get(same.id))!;
      if (group.slug !== TAGS_GROUP || !options.createTags) throw new KeywordInputError(group.slug === TAGS_GROUP ? 'keyword_not_found' : 'tags_only', 'keywords');
      return (await service.get((await service.create(group.id, title)).id))!;
    },
    async rename(id, rawTitle) {
      const keyword = await requireKeyword(id);
      const title = cleanTitle(rawTitle);
      await checkTitleFree(keyword.groupId, title, id);
      const patch: Partial<Keyword> = { title };
      // The address follows the title, unless only case or punctuation changed (the same slug);
      // the old one stays a former address, so /keywords/… links and kw= bookmarks keep working.
      let old: FormerKeywordSlug | undefined;
      if (slugify(title) !== slugify(keyword.title)) {
        const others = (await store.keywords.list()).filter((k) => k.groupId === keyword.groupId && k.id !== keyword.id);
        const slug = uniqueSlug(slugify(title), (s) => others.some((k) => k.slug === s));
        if (slug !== keyword.slug) {
          old = { groupId: keyword.groupId, slug: keyword.slug };
          patch.slug = slug;
          patch.formerSlugs = withFormerSlugs(keyword.formerSlugs, [old], { groupId: keyword.groupId, slug });
        }
      }
      const renamed = (await store.keywords.update(id, patch))!;
      if (old) await releaseFormer([old], keyword.id);
      search.keywordChanged(renamed);
      return renamed;
    },
    usage(id) {
      return search.index.idsWithKeyword(id).length;
    },
    async merge(sourceId, targetId) {
      const source = await requireKeyword(sourceId);
      const target = await requireKeyword(targetId, 'target');
      if (source.id === target.id) throw new KeywordInputError('merge_same', 'target');
      const targetGroup = await requireGroup(target.groupId);
      if (!targetGroup.multiple) {
        const crowded = await mediaWithSeveral(targetGroup.id, new Map([[source.id, target.id]]));
        if (crowded > 0) throw new KeywordInputError('merge_single', 'target', { group: targetGroup.title, count: crowded });
      }
      const ids = search.index.idsWithKeyword(source.id);
      const changed = await rewriteMedia(ids, (m) => {
        if (!m.keywordIds.includes(source.id)) return undefined;
        return [...new Set(m.keywordIds.map((k) => (k === source.id ? target.id : k)))];
      });
      // Links to the source land on the target from now on.
      const moved = [...(source.formerSlugs ?? []), { groupId: source.groupId, slug: source.slug }];
      await store.keywords.update(target.id, { formerSlugs: withFormerSlugs(target.formerSlugs, moved, { groupId: target.groupId, slug: target.slug }) });
      await releaseFormer(moved, target.id);
      await store.keywords.delete(source.id);
      search.keywordDeleted(source.id);
      return changed;
    },
    async remove(id) {
      const keyword = await requireKeyword(id);
      const ids = search.index.idsWithKeyword(keyword.id);
      const changed = await rewriteMedia(ids, (m) => (m.keywordIds.includes(keyword.id) ? m.keywordIds.filter((k) => k !== keyword.id) : undefined));
      await store.keywords.delete(keyword.id);
      search.keywordDeleted(keyword.id);
      return changed;
    },
    async groupUsage(id) {
      const group = await requireGroup(id);
      const keywordIds = (await store.keywords.list()).filter((k) => k.groupId === group.id).map((k) => k.id);
      return { keywords: keywordIds.length, media: mediaWithAny(keywordIds).length };
    },
    async removeGroup(id) {
      const group = await requireGroup(id);
      if (group.slug === TAGS_GROUP) throw new KeywordInputError('group_protected', 'group', { title: group.title });
      const keywordIds = (await store.keywords.list()).filter((k) => k.groupId === group.id).map((k) => k.id);
      const mediaIds = mediaWithAny(keywordIds);
      // Media first, then keywords, then the group: a write that fails half way leaves no media
      // carrying a deleted keyword, and deleting again finishes the job.
      const gone = new Set(keywordIds);
      await rewriteMedia(mediaIds, (m) => (m.keywordIds.some((k) => gone.has(k)) ? m.keywordIds.filter((k) => !gone.has(k)) : undefined));
      for (const keywordId of keywordIds) {
        await store.keywords.delete(keywordId);
        search.keywordDeleted(keywordId);
      }
      // Keywords elsewhere that took in this group's keywords by a merge keep no address in it.
      for (const k of await store.keywords.list()) {
        if (!k.formerSlugs?.some((f) => f.groupId === group.id)) continue;
        await store.keywords.update(k.id, { formerSlugs: k.formerSlugs.filter((f) => f.groupId !== group.id) });
      }
      await store.keywordGroups.delete(group.id);
      // The skeleton's navigation names groups by slug: a later group of the same name must not appear there unasked.
      await setInNavigation(group.slug, false);
      return { keywords: keywordIds.length, media: mediaIds.length };
    },
    async related(id, limit = 10) {
      const counts = new Map<string, number>();
      for (const mediaId of search.index.idsWithKeyword(id)) {
        const doc = search.index.doc(mediaId);
        if (!doc || doc.status !== 'published') continue;
        for (const k of doc.keywordIds) if (k !== id) counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit);
      const keywords = await withGroups((await Promise.all(top.map(([k]) => store.keywords.get(k)))).filter((k): k is Keyword => !!k));
      const byId = new Map(keywords.map((k) => [k.id, k]));
      return top.flatMap(([k, count]) => (byId.has(k) ? [{ ...byId.get(k)!, count }] : []));
    },
  };
  return service;
}
