import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { DocFile } from './doc-file.ts';
import { Collection, type CollectionData } from './collection.ts';
import { lockDataDir } from './lock.ts';
import { mediaRepository, openMediaShards } from './media.ts';
import { simpleRepository } from './simple.ts';
import { folderSize, takeSnapshot, type SnapshotSource } from './snapshot.ts';
import { CURRENT_SCHEMA_VERSION, migrate, type Migration } from '../migrations.ts';
import {
  DuplicateError,
  StoreCorruptError,
  type Keyword,
  type Media,
  type KeywordGroup,
  type PluginRecord,
  type Sector,
  type SessionRecord,
  type Store,
  type User,
} from '../types.ts';

interface Meta {
  schemaVersion: number;
  createdAt: string;
  /** The next media id to assign. */
  nextMediaId?: number;
}

export type LowdbMigrationHandle = { dbDir: string; docs: Record<string, DocFile<CollectionData<unknown>>> };

/** Migrations for the lowdb layout. Version 1 is the initial layout: nothing to do. */
export const lowdbMigrations: Migration<LowdbMigrationHandle>[] = [
  { version: 1, description: 'initial layout', up: async () => {} },
];

const COLLECTIONS = ['users', 'sessions', 'settings', 'plugins', 'sectors', 'keyword-groups', 'keywords'] as const;

export interface OpenLowdbOptions {
  dataDir: string;
  onMigrate?: (description: string, version: number) => void;
  /**
   * Called with each shard's media as it is read, in id order (the order of `media.list()`), so
   * work that needs every record (the search index) can start before the store is open. The
   * records are the store's own: read them, never change them.
   */
  onMediaLoaded?: (batch: readonly Media[]) => void;
}

/**
 * The embedded store: one lowdb JSON file per collection under <dataDir>/db, a lock file so a
 * second process cannot open the folder, and a schema version in db/meta.json.
 */
export async function openLowdbStore(options: OpenLowdbOptions): Promise<Store> {
  const dataDir = path.resolve(options.dataDir);
  const dbDir = path.join(dataDir, 'db');
  await mkdir(dbDir, { recursive: true, mode: 0o700 });
  const release = lockDataDir(dataDir);
  try {
    // Temporary files are only ever half-written copies: the real file is intact beside them.
    for (const name of await readdir(dbDir)) {
      if (name.endsWith('.tmp')) await rm(path.join(dbDir, name), { force: true });
    }
    const meta = new DocFile<Meta>(path.join(dbDir, 'meta.json'), { schemaVersion: CURRENT_SCHEMA_VERSION, createdAt: new Date().toISOString() });
    const isNew = !(await meta.load());
    const docs = Object.fromEntries(
      COLLECTIONS.map((name) => [name, new DocFile<CollectionData<unknown>>(path.join(dbDir, `${name}.json`), { items: {} })]),
    ) as Record<(typeof COLLECTIONS)[number], DocFile<CollectionData<unknown>>>;
    for (const doc of Object.values(docs)) {
      await doc.load();
      if (!doc.data || typeof doc.data !== 'object' || typeof doc.data.items !== 'object' || doc.data.items === null) {
        throw new StoreCorruptError(doc.file, 'missing "items" object');
      }
    }
    if (isNew) {
      await meta.commit();
    } else if (meta.data.schemaVersion !== CURRENT_SCHEMA_VERSION) {
      const version = await migrate(meta.data.schemaVersion, lowdbMigrations, { dbDir, docs }, (m) => options.onMigrate?.(m.description, m.version));
      meta.data.schemaVersion = version;
      await meta.commit();
    }
    const shards = await openMediaShards(dbDir, options.onMediaLoaded);
    return buildStore(dataDir, dbDir, docs, meta, shards, release);
  } catch (err) {
    release();
    throw err;
  }
}

function buildStore(
  dataDir: string,
  dbDir: string,
  docs: Record<(typeof COLLECTIONS)[number], DocFile<CollectionData<unknown>>>,
  meta: DocFile<Meta>,
  shards: Awaited<ReturnType<typeof openMediaShards>>,
  release: () => void,
): Store {
  const media = mediaRepository(dbDir, shards, {
    async next() {
      if (meta.data.nextMediaId === undefined) {
        let max = 0;
        for (const doc of shards.values()) for (const id of Object.keys(doc.data.items)) max = Math.max(max, Number(id));
        meta.data.nextMediaId = max + 1;
      }
      const id = meta.data.nextMediaId;
      meta.data.nextMediaId = id + 1;
      await meta.commit();
      return String(id);
    },
  });
  const users = new Collection<User>(docs.users as DocFile<CollectionData<User>>);
  const sessions = new Collection<SessionRecord>(docs.sessions as DocFile<CollectionData<SessionRecord>>);
  const settings = new Collection<unknown>(docs.settings);
  const plugins = new Collection<PluginRecord>(docs.plugins as DocFile<CollectionData<PluginRecord>>);
  const fold = (s: string) => s.normalize('NFC').toLowerCase();
  const findByUsername = (username: string) => users.peekValues().find((u) => fold(u.username) === fold(username));
  const findByEmail = (email: string) => users.peekValues().find((u) => u.email !== undefined && fold(u.email) === fold(email));
  let closed = false;

  return {
    info: { backend: 'lowdb', location: dataDir, schemaVersion: meta.data.schemaVersion },
    users: {
      async list() {
        return users.values().sort((a, b) => a.username.localeCompare(b.username));
      },
      async get(id) {
        return users.get(id);
      },
      async getByUsername(username) {
        const u = findByUsername(username);
        return u && structuredClone(u);
      },
      async getByEmail(email) {
        const u = findByEmail(email);
        return u && structuredClone(u);
      },
      async create(input) {
        if (findByUsername(input.username)) throw new DuplicateError('username', `The username "${input.username}" is taken.`);
        if (input.email !== undefined && findByEmail(input.email)) throw new DuplicateError('email', 'The email address is taken.');
        const now = new Date().toISOString();
        const user: User = { ...input, id: randomUUID(), createdAt: now, updatedAt: now };
        await users.put(user.id, user);
        return structuredClone(user);
      },
      async update(id, patch) {
        const current = users.get(id);
        if (!current) return undefined;
        if (patch.username !== undefined) {
          const other = findByUsername(patch.username);
          if (other && other.id !== id) throw new DuplicateError('username', `The username "${patch.username}" is taken.`);
        }
        if (patch.email !== undefined) {
          const other = findByEmail(patch.email);
          if (other && other.id !== id) throw new DuplicateError('email', 'The email address is taken.');
        }
        const next: User = { ...current, ...patch, id, updatedAt: new Date().toISOString() };
        await users.put(id, next);
        return next;
      },
      async delete(id) {
        return users.delete(id);
      },
      async count() {
        return users.size();
      },
    },
    sessions: {
      async get(sid) {
        const s = sessions.get(sid);
        if (s && s.expires <= Date.now()) {
          await sessions.delete(sid);
          return undefined;
        }
        return s;
      },
      async set(record) {
        await sessions.put(record.sid, record);
      },
      async destroy(sid) {
        await sessions.delete(sid);
      },
      async prune(now = Date.now()) {
        return sessions.deleteWhere((s) => s.expires <= now);
      },
    },
    settings: {
      async get<T>(key: string) {
        return settings.get(key) as T | undefined;
      },
      async set(key, value) {
        await settings.put(key, value);
      },
    },
    plugins: {
      async list() {
        return plugins.values();
      },
      async get(id) {
        return plugins.get(id);
      },
      async update(id, patch) {
        const current = plugins.get(id) ?? { id, enabled: false, settings: {}, storage: {} };
        const next: PluginRecord = { ...current, ...patch, id };
        await plugins.put(id, next);
        return next;
      },
    },
    media,
    sectors: simpleRepository(new Collection<Sector>(docs.sectors as DocFile<CollectionData<Sector>>)),
    keywordGroups: simpleRepository(new Collection<KeywordGroup>(docs['keyword-groups'] as DocFile<CollectionData<KeywordGroup>>)),
    keywords: simpleRepository(new Collection<Keyword>(docs.keywords as DocFile<CollectionData<Keyword>>)),
    snapshot(options) {
      // The sources are listed now, in the caller's tick: a shard made by a later write is not in the copy.
      const rel = (file: string) => path.relative(dataDir, file).split(path.sep).join('/');
      const sources: SnapshotSource[] = [
        { path: rel(meta.file), doc: meta as DocFile<unknown> },
        ...COLLECTIONS.map((name) => ({ path: rel(docs[name].file), doc: docs[name] as DocFile<unknown>, collection: name })),
        ...[...shards.keys()].sort((a, b) => a - b).map((k) => ({ path: rel(shards.get(k)!.file), doc: shards.get(k)! as DocFile<unknown>, media: true })),
      ];
      return takeSnapshot(sources, meta.data.schemaVersion, options);
    },
    async dataSize() {
      return folderSize(dbDir);
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...Object.values(docs), meta].map((d) => d.idle()));
      await media.idle();
      release();
    },
  };
}
