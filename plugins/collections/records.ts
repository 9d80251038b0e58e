import { randomBytes } from 'node:crypto';
import { oneAtATime, type PluginContext } from '../../core/plugins/api.ts';

export interface CollectionRecord {
  id: string;
  title: string;
  /** Its page is `/plugins/collections/<slug>`. */
  slug: string;
  /** Slugs it had before a retitling, newest last: their addresses redirect to the current one. */
  formerSlugs: string[];
  /** Plain text, line breaks kept. */
  description: string;
  /** Media ids, in the collection's order. */
  mediaIds: string[];
  createdAt: string;
  updatedAt: string;
}

export interface CollectionRecords {
  all(): Promise<CollectionRecord[]>;
  get(id: string): Promise<CollectionRecord | undefined>;
  /**
   * Runs `edit` on every collection, one change at a time (a read-check-write must not interleave
   * with another's, or two editors at once would lose one's change): `edit` returns what to store,
   * or a refusal that stores nothing. Given the others too, to check unique titles and slugs.
   */
  change<R>(id: string | null, edit: (current: CollectionRecord | undefined, others: CollectionRecord[]) => { save: CollectionRecord; result: R } | { refuse: R }): Promise<R>;
  remove(id: string): Promise<boolean>;
  /** Takes a media out of every collection (it was deleted). */
  forgetMedia(mediaId: string): Promise<void>;
}

const PREFIX = 'collection:';
export const ID_PATTERN = /^[A-Za-z0-9_-]{8}$/;
export const newId = () => randomBytes(6).toString('base64url');

/** Collections kept in the plugin's storage, one key per collection (`collection:<id>`). */
export function createCollectionRecords(storage: PluginContext['storage']): CollectionRecords {
  const serially = oneAtATime();
  const get = async (id: string) => (ID_PATTERN.test(id) ? storage.get<CollectionRecord>(`${PREFIX}${id}`) : undefined);
  const all = async () => {
    const keys = await storage.keys(PREFIX);
    const found = await Promise.all(keys.map((key) => storage.get<CollectionRecord>(key)));
    return found.filter((c): c is CollectionRecord => !!c).sort((a, b) => a.title.localeCompare(b.title));
  };

  return {
    all,
    get,
    change: (id, edit) =>
      serially(async () => {
        const everyone = await all();
        const current = id === null ? undefined : everyone.find((c) => c.id === id);
        const outcome = edit(current, everyone.filter((c) => c.id !== id));
        if ('refuse' in outcome) return outcome.refuse;
        await storage.set(`${PREFIX}${outcome.save.id}`, outcome.save);
        return outcome.result;
      }),
    remove: (id) =>
      serially(async () => {
        if (!(await get(id))) return false;
        await storage.delete(`${PREFIX}${id}`);
        return true;
      }),
    forgetMedia: (mediaId) =>
      serially(async () => {
        for (const c of await all()) {
          if (c.mediaIds.includes(mediaId)) await storage.set(`${PREFIX}${c.id}`, { ...c, mediaIds: c.mediaIds.filter((m) => m !== mediaId), updatedAt: new Date().toISOString() });
        }
      }),
  };
}
