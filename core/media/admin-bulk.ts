import type { Logger } from 'pino';
import type { Media, Sector } from '../store/index.ts';
import { parseMediaFields, type MediaFields } from './fields.ts';
import type { Actor, MediaService } from './service.ts';

/** What the library's bulk form may do to a selection. */
export const bulkActions = ['publish', 'draft', 'move', 'delete'] as const;
export type BulkAction = (typeof bulkActions)[number];

/** The sector select's value for "no sector" (sector ids are UUIDs, so it cannot be one). */
export const NO_SECTOR = 'none';

/** Why a selected media was left alone. */
export const refusalReasons = ['not_yours', 'gone', 'failed'] as const;
export type RefusalReason = (typeof refusalReasons)[number];

/** A refusal of the whole request: nothing was changed. The code is under `admin.media.bulk.errors.`. */
export class BulkInputError extends Error {
  constructor(
    public readonly code: 'empty' | 'ids_invalid' | 'too_many' | 'action_unknown' | 'sector_required' | 'sector_unknown',
    public readonly vars?: Record<string, unknown>,
  ) {
    super(`bulk: ${code}`);
    this.name = 'BulkInputError';
  }
}

export interface BulkRequest {
  action: BulkAction;
  ids: string[];
  /** For `move`: the fields a single edit would save (sectorId, null for none). */
  fields: MediaFields;
  /** For `move`: the target sector, or null for none. */
  sector: Sector | null;
}

export interface BulkOutcome {
  changed: number;
  /** Already in the asked state: left as they were. */
  unchanged: number;
  refused: Record<RefusalReason, number>;
}

const ID = /^\d{1,15}$/;

function strings(value: unknown): string[] {
  if (value === undefined) return [];
  const arr = Array.isArray(value) ? value : [value];
  return arr.map((v) => (typeof v === 'string' ? v : '\u0000'));
}

/**
 * Reads the bulk form: the checked ids, plus the page's ids when "all on this page" is checked.
 * Anything that is not a media number, an empty or oversized selection, an unknown action or
 * sector throws BulkInputError before a single media is touched. Ids of media that no longer exist
 * pass: each is reported as refused (the list may be older than someone else's deletion).
 */
export async function parseBulkRequest(media: MediaService, body: Record<string, unknown>, max: number): Promise<BulkRequest> {
  const action = typeof body.action === 'string' ? body.action : '';
  if (!(bulkActions as readonly string[]).includes(action)) throw new BulkInputError('action_unknown');
  const raw = [...strings(body.ids), ...(body.all === 'page' ? strings(body.page_ids).flatMap((v) => v.split(',')) : [])].map((v) => v.trim()).filter((v) => v !== '');
  if (raw.some((v) => !ID.test(v))) throw new BulkInputError('ids_invalid');
  const ids = [...new Set(raw.map((v) => String(Number(v))))];
  if (ids.length === 0) throw new BulkInputError('empty');
  if (ids.length > max) throw new BulkInputError('too_many', { max, count: ids.length });
  let fields: MediaFields = {};
  let sector: Sector | null = null;
  if (action === 'move') {
    const value = typeof body.sector === 'string' ? body.sector.trim() : '';
    if (!value) throw new BulkInputError('sector_required');
    if (value !== NO_SECTOR) {
      sector = (await media.store.sectors.list()).find((s) => s.id === value) ?? null;
      if (!sector) throw new BulkInputError('sector_unknown');
    }
    // The same validation as the edit form's sector field.
    fields = await parseMediaFields(media.store, { sector: sector ? sector.id : '' }, { forCreate: false });
  } else if (action === 'publish' || action === 'draft') {
    fields = await parseMediaFields(media.store, { status: action === 'publish' ? 'published' : 'draft' }, { forCreate: false });
  }
  return { action: action as BulkAction, ids, fields, sector };
}

/** Whether the user may act on each selected media, as the single edit and delete decide it. */
export async function sortSelection(media: MediaService, user: Actor, ids: readonly string[]) {
  const found = new Map((await media.store.media.getMany(ids)).map((m) => [m.id, m]));
  const allowed: Media[] = [];
  const refused: Record<RefusalReason, number> = { not_yours: 0, gone: 0, failed: 0 };
  ids.forEach((id) => {
    const m = found.get(id);
    if (!m) refused.gone++;
    else if (!media.canEdit(user, m)) refused.not_yours++;
    else allowed.push(m);
  });
  return { allowed, refused };
}

/**
 * Applies the action to each media in turn through the media service (the same path as one edit
 * or one delete: validation, search index, hooks, page cache, files). A media refused or failing
 * is counted and the others go on.
 */
export async function applyBulk(deps: { media: MediaService; logger?: Logger }, user: Actor, request: BulkRequest): Promise<BulkOutcome> {
  const { media } = deps;
  const { allowed, refused } = await sortSelection(media, user, request.ids);
  const outcome: BulkOutcome = { changed: 0, unchanged: 0, refused };
  for (const m of allowed) {
    try {
      if (request.action === 'delete') {
        if (await media.remove(m.id)) outcome.changed++;
        else refused.gone++;
        continue;
      }
      const same = request.action === 'move' ? m.sectorId === request.fields.sectorId : m.status === request.fields.status;
      if (same) {
        outcome.unchanged++;
        continue;
      }
      if (await media.update(m.id, request.fields)) outcome.changed++;
      else refused.gone++;
    } catch (err) {
      refused.failed++;
      deps.logger?.warn({ err, mediaId: m.id, action: request.action }, 'bulk action failed on one media');
    }
  }
  return outcome;
}
