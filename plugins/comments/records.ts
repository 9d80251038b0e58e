import { randomBytes } from 'node:crypto';
import { oneAtATime, type PluginContext } from '../../core/plugins/api.ts';

export type CommentStatus = 'pending' | 'published' | 'hidden';

export interface CommentRecord {
  id: string;
  mediaId: string;
  text: string;
  /** As shown: a member's display name when they posted, or the name a visitor typed. */
  name: string;
  /** The member who posted; null for a visitor. */
  userId: string | null;
  status: CommentStatus;
  createdAt: string;
}

export interface CommentRecords {
  /** A media's comments, oldest first. */
  ofMedia(mediaId: string): Promise<CommentRecord[]>;
  /** Every comment of every media (the moderation page). */
  all(): Promise<CommentRecord[]>;
  add(input: Omit<CommentRecord, 'id' | 'createdAt'>): Promise<CommentRecord>;
  /** False when there is no such comment. */
  setStatus(mediaId: string, id: string, status: CommentStatus): Promise<boolean>;
  remove(mediaId: string, id: string): Promise<boolean>;
  removeMedia(mediaId: string): Promise<void>;
}

const PREFIX = 'media:';
const keyOf = (mediaId: string) => `${PREFIX}${mediaId}`;

/**
 * Comments kept in the plugin's storage, one key per media (`media:<id>`, an array oldest first).
 * Changes of one activation go one at a time: a read-change-write of a key must not interleave
 * with another's, or two comments posted at once would keep only one.
 */
export function createCommentRecords(storage: PluginContext['storage']): CommentRecords {
  const serially = oneAtATime();
  const read = async (mediaId: string) => (await storage.get<CommentRecord[]>(keyOf(mediaId))) ?? [];
  const change = (mediaId: string, edit: (list: CommentRecord[]) => CommentRecord[] | null) =>
    serially(async () => {
      const list = await read(mediaId);
      const next = edit(list);
      if (!next) return false;
      if (next.length) await storage.set(keyOf(mediaId), next);
      else await storage.delete(keyOf(mediaId));
      return true;
    });

  return {
    ofMedia: read,
    async all() {
      const keys = await storage.keys(PREFIX);
      return (await Promise.all(keys.map((key) => read(key.slice(PREFIX.length))))).flat();
    },
    async add(input) {
      const record: CommentRecord = { ...input, id: randomBytes(9).toString('base64url'), createdAt: new Date().toISOString() };
      await change(input.mediaId, (list) => [...list, record]);
      return record;
    },
    setStatus: (mediaId, id, status) =>
      change(mediaId, (list) => {
        const found = list.find((c) => c.id === id);
        return found ? list.map((c) => (c === found ? { ...c, status } : c)) : null;
      }),
    remove: (mediaId, id) => change(mediaId, (list) => (list.some((c) => c.id === id) ? list.filter((c) => c.id !== id) : null)),
    removeMedia: (mediaId) => serially(() => storage.delete(keyOf(mediaId))),
  };
}
