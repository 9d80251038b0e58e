import { stripControls } from '../text/controls.ts';
import { z } from 'zod';
import type { Sector, Store } from '../store/index.ts';
import { fold, type SearchService } from '../search/index.ts';
import { slugify, uniqueSlug, SLUG_PATTERN } from '../text/slugify.ts';

/** A failure the admin can fix: `code` is an i18n key under `admin.sectors.errors.`, `field` the form field. */
export class SectorInputError extends Error {
  constructor(public readonly errors: Record<string, { code: string; vars?: Record<string, unknown> }>) {
    super(Object.values(errors).map((e) => e.code).join(', '));
    this.name = 'SectorInputError';
  }
}

export const sectorSorts = ['date', 'title', 'popularity'] as const;

const sectorInput = z.object({
  title: z.string().transform(stripControls).pipe(z.string().trim().min(1, 'title_required').max(120, 'title_too_long')),
  slug: z.string().trim().toLowerCase().max(80, 'slug_invalid').refine((slug) => !slug || SLUG_PATTERN.test(slug), 'slug_invalid').optional().default(''),
  description: z.string().transform(stripControls).pipe(z.string().max(5000, 'description_too_long')).optional().default(''),
  visible: z.boolean().optional().default(true),
  display: z.enum(['grid', 'list'], { message: 'display_invalid' }).optional().default('grid'),
  defaultSort: z.enum(sectorSorts, { message: 'sort_invalid' }).optional().default('date'),
});

export type SectorInput = z.input<typeof sectorInput>;

type SectorProblems = Record<string, { code: string; vars?: Record<string, unknown> }>;

/**
 * Checks every field at once: the parsed input, or each field's first problem. The title and slug
 * are also read on their own, for the checks against the other sectors (another field may have failed).
 */
function check(input: SectorInput) {
  const problems: SectorProblems = {};
  const r = sectorInput.safeParse(input);
  if (!r.success) for (const issue of r.error.issues) problems[String(issue.path[0] ?? 'title')] ??= { code: issue.message };
  const title = sectorInput.shape.title.safeParse(input.title);
  const slug = sectorInput.shape.slug.safeParse(input.slug);
  return { data: r.success ? r.data : undefined, title: title.success ? title.data : undefined, slug: slug.success ? slug.data : undefined, problems };
}

/**
 * Two sector titles are one when they differ only by case, accents or spacing ("Photographies",
 * "PHOTOGRAPHIES", "Photographiés"): the navigation and the sector dropdowns could not tell them apart.
 */
export function sectorTitleKey(title: string): string {
  return fold(title.normalize('NFC')).replace(/\s+/g, ' ').trim();
}

/** The sector at `slug`: the one whose address it is, else the one that had it before a rename. */
export function sectorAt<S extends Pick<Sector, 'slug' | 'formerSlugs'>>(sectors: readonly S[], slug: string): S | undefined {
  const wanted = slug.trim().toLowerCase();
  return sectors.find((s) => s.slug === wanted) ?? sectors.find((s) => s.formerSlugs?.includes(wanted));
}

/**
 * Sectors: the top-level sections of the site (SPIP's "secteurs"). `search` hears of media moved
 * to another sector (sector pages and /search read the index).
 */
export function createSectorService(store: Store, deps: { search?: Pick<SearchService, 'upsert' | 'index'> } = {}) {
  async function sorted(): Promise<Sector[]> {
    return (await store.sectors.list()).sort((a, b) => a.order - b.order || a.title.localeCompare(b.title));
  }

  /**
   * The input checked against the rules and the other sectors (a typed slug they use, a title one
   * of them has), every problem thrown at once. `self` (an edit) may keep its own title as it is,
   * even if an older sector shares it.
   */
  async function validate(input: SectorInput, self?: Sector) {
    const { data, title, slug, problems } = check(input);
    const others = (await store.sectors.list()).filter((s) => s.id !== self?.id);
    const key = title === undefined ? undefined : sectorTitleKey(title);
    const namesake = key && key !== (self && sectorTitleKey(self.title)) ? others.find((s) => sectorTitleKey(s.title) === key) : undefined;
    if (namesake) problems.title ??= { code: 'title_taken', vars: { title: namesake.title } };
    if (slug && others.some((s) => s.slug === slug)) problems.slug ??= { code: 'slug_taken' };
    if (Object.keys(problems).length > 0 || !data) throw new SectorInputError(problems);
    return { data, others };
  }

  /**
   * Gives `slugs` to the sector `ownerId` (its current address, or one it keeps as a former one):
   * any other sector that listed one of them as a former address forgets it, so each old address
   * leads to one sector, the last to have had it (keywords do the same: releaseFormer).
   */
  async function releaseFormer(slugs: readonly string[], ownerId: string): Promise<void> {
    for (const s of await store.sectors.list()) {
      if (s.id === ownerId || !s.formerSlugs?.some((f) => slugs.includes(f))) continue;
      await store.sectors.update(s.id, { formerSlugs: s.formerSlugs.filter((f) => !slugs.includes(f)) });
    }
  }

  return {
    list: sorted,
    async bySlug(slug: string): Promise<Sector | undefined> {
      return (await store.sectors.list()).find((s) => s.slug === slug.toLowerCase());
    },
    /** The sector at `slug`, a former address included (sectorAt). */
    async at(slug: string): Promise<Sector | undefined> {
      return sectorAt(await store.sectors.list(), slug);
    },
    /** Media counts per sector id (every status): from the search index's sector lists when there is one, else one pass over the store. */
    async counts(): Promise<Map<string, number>> {
      if (deps.search) return deps.search.index.sectorCounts();
      const counts = new Map<string, number>();
      for (const m of await store.media.list()) if (m.sectorId) counts.set(m.sectorId, (counts.get(m.sectorId) ?? 0) + 1);
      return counts;
    },
    async create(input: SectorInput): Promise<Sector> {
      const { data, others } = await validate(input);
      const order = others.length ? Math.max(...others.map((s) => s.order)) + 1 : 1;
      const slug = data.slug || uniqueSlug(slugify(data.title), (s) => others.some((o) => o.slug === s), 'sector');
      const created = await store.sectors.create({ ...data, slug, order });
      await releaseFormer([created.slug], created.id);
      return created;
    },
    async update(id: string, input: SectorInput): Promise<Sector> {
      const current = await store.sectors.get(id);
      if (!current) throw new SectorInputError({ _: { code: 'not_found' } });
      const { data } = await validate(input, current);
      const slug = data.slug || current.slug;
      // The old address keeps working (a redirect): links and bookmarks to a renamed sector do not break.
      const formerSlugs = slug === current.slug ? current.formerSlugs : [...new Set([...(current.formerSlugs ?? []), current.slug])].filter((s) => s !== slug).slice(-20);
      const updated = (await store.sectors.update(id, { ...data, slug, ...(formerSlugs ? { formerSlugs } : {}) }))!;
      if (slug !== current.slug) await releaseFormer([slug, current.slug], id);
      return updated;
    },
    /** Moves a sector one place up (-1) or down (+1) and renumbers all orders 1..n. */
    async move(id: string, delta: -1 | 1): Promise<void> {
      const all = await sorted();
      const i = all.findIndex((s) => s.id === id);
      const j = i + delta;
      if (i < 0 || j < 0 || j >= all.length) return;
      [all[i], all[j]] = [all[j]!, all[i]!];
      for (const [k, s] of all.entries()) if (s.order !== k + 1) await store.sectors.update(s.id, { order: k + 1 });
    },
    /**
     * Deletes a sector. While media belong to it the deletion is refused, unless `moveTo` names
     * another sector: then the media move there first.
     */
    async remove(id: string, moveTo?: string): Promise<{ moved: number }> {
      const sector = await store.sectors.get(id);
      if (!sector) throw new SectorInputError({ _: { code: 'not_found' } });
      const ids = (await store.media.list()).filter((m) => m.sectorId === id).map((m) => m.id);
      if (ids.length > 0) {
        if (!moveTo) throw new SectorInputError({ moveTo: { code: 'not_empty', vars: { count: ids.length } } });
        if (moveTo === id || !(await store.sectors.get(moveTo))) throw new SectorInputError({ moveTo: { code: 'move_target_invalid' } });
        await store.media.updateMany(ids, () => ({ sectorId: moveTo, updatedAt: new Date().toISOString() }));
        if (deps.search) for (const mid of ids) {
          const moved = await store.media.get(mid);
          if (moved) deps.search.upsert(moved);
        }
      }
      await store.sectors.delete(id);
      return { moved: ids.length };
    },
  };
}

export type SectorService = ReturnType<typeof createSectorService>;
