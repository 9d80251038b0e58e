export const roles = ['admin', 'editor', 'member'] as const;
export type Role = (typeof roles)[number];

export interface User {
  id: string;
  username: string;
  displayName: string;
  /**
   * Where password reset links go; lower-cased, unique. Private: shown to its owner and to admins
   * only, never in public output nor in logs.
   */
  email?: string;
  role: Role;
  passwordHash: string;
  disabled: boolean;
  /**
   * Signed up at /register while registration needs an admin's approval, not yet approved. Such
   * an account is also stored `disabled`, so everything that refuses disabled accounts refuses it.
   */
  pending?: boolean;
  /**
   * The one live "forgot your password?" link: the SHA-256 of its token (never the token) and
   * when it stops working (epoch ms). Cleared when it is used, when another is issued and when
   * the password or the address changes.
   */
  passwordReset?: { tokenHash: string; expiresAt: number };
  createdAt: string;
  updatedAt: string;
  lastLoginAt?: string;
}

export interface SessionRecord {
  sid: string;
  data: Record<string, unknown>;
  /** Epoch milliseconds. */
  expires: number;
}

export interface PluginRecord {
  id: string;
  enabled: boolean;
  settings: Record<string, unknown>;
  storage: Record<string, unknown>;
}

export interface UserRepository {
  list(): Promise<User[]>;
  get(id: string): Promise<User | undefined>;
  /** Case-insensitive. */
  getByUsername(username: string): Promise<User | undefined>;
  /** Case-insensitive. */
  getByEmail(email: string): Promise<User | undefined>;
  /** Throws DuplicateError when the username or the email address (case-insensitive) is taken. */
  create(user: Omit<User, 'id' | 'createdAt' | 'updatedAt'>): Promise<User>;
  update(id: string, patch: Partial<Omit<User, 'id' | 'createdAt'>>): Promise<User | undefined>;
  delete(id: string): Promise<boolean>;
  count(): Promise<number>;
}

export interface SessionRepository {
  get(sid: string): Promise<SessionRecord | undefined>;
  set(record: SessionRecord): Promise<void>;
  destroy(sid: string): Promise<void>;
  /** Removes expired sessions; returns how many. */
  prune(now?: number): Promise<number>;
}

export interface SettingsRepository {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
}

export interface PluginRepository {
  list(): Promise<PluginRecord[]>;
  get(id: string): Promise<PluginRecord | undefined>;
  /** Creates the record if needed, then applies the patch. */
  update(id: string, patch: Partial<Omit<PluginRecord, 'id'>>): Promise<PluginRecord>;
}

export interface StoreInfo {
  backend: string;
  location: string;
  schemaVersion: number;
}

/** The persistence boundary: routes and plugins only ever see this. */
export interface Store {
  readonly info: StoreInfo;
  users: UserRepository;
  sessions: SessionRepository;
  settings: SettingsRepository;
  plugins: PluginRepository;
  media: MediaRepository;
  sectors: SimpleRepository<Sector>;
  keywordGroups: SimpleRepository<KeywordGroup>;
  keywords: SimpleRepository<Keyword>;
  /**
   * The whole database as it stands at the moment of the call, for a backup. Every write that
   * resolved before the call is in it, none started after the call is, and no write is split
   * (a change spanning files is in all of them or none). It resolves once what it holds is on disk:
   * it rejects (StoreSnapshotError) rather than hand out a write the store had to undo.
   * Writes are never held up; the copy is read later, at the caller's pace.
   */
  snapshot(options?: SnapshotOptions): Promise<StoreSnapshot>;
  /** Bytes the database takes where it is kept (an estimate of a backup's database part). */
  dataSize(): Promise<number>;
  close(): Promise<void>;
}

export interface SnapshotOptions {
  /** Leave out the sessions: a restored copy should not sign anyone back in. */
  withoutSessions?: boolean;
  /** Settings keys to leave out (secrets the restored site can make again). */
  withoutSettings?: readonly string[];
}

/** One file of a snapshot, at its place under a data folder ('/'-separated, e.g. `db/users.json`). */
export interface SnapshotFile {
  path: string;
  /** The bytes, made when asked: read the files one at a time to keep memory low. */
  read(): Promise<Uint8Array>;
}

export interface StoreSnapshot {
  backend: string;
  schemaVersion: number;
  /** ISO date of the moment the snapshot stands for. */
  takenAt: string;
  /** What to put under an empty data folder to restore the database (a future backend may give one dump file). */
  files: SnapshotFile[];
  /** The media records it holds (the store's own: read them, never change them): which stored files the copy names. */
  media(): Iterable<Media>;
}

export class StoreSnapshotError extends Error {
  constructor(detail: string) {
    super(`The database could not be copied: a write failed while the copy was taken (${detail}). Nothing was lost; try again, and check the disk if it keeps failing.`);
    this.name = 'StoreSnapshotError';
  }
}

export class DuplicateError extends Error {
  constructor(public readonly field: string, message: string) {
    super(message);
    this.name = 'DuplicateError';
  }
}

export class StoreCorruptError extends Error {
  constructor(public readonly file: string, detail: string) {
    super(`Data file ${file} is unreadable (${detail}). Kiosque will not start on damaged data: restore this file from your backup, or move it away if you mean to lose what it held.`);
    this.name = 'StoreCorruptError';
  }
}

export class StoreLockedError extends Error {
  constructor(public readonly dataDir: string, pid: number) {
    super(`The data folder ${dataDir} is in use by another Kiosque process (pid ${pid}). Stop that process first, or point KIOSQUE_DATA_DIR at another folder.`);
    this.name = 'StoreLockedError';
  }
}

export const mediaTypes = ['image', 'audio', 'video', 'document'] as const;
export type MediaType = (typeof mediaTypes)[number];
export const mediaStatuses = ['draft', 'published'] as const;
export type MediaStatus = (typeof mediaStatuses)[number];

/** One stored file of a media item: the original or a derivative. Paths are relative to <dataDir>/files. */
export interface StoredFile {
  file: string;
  mime: string;
  size: number;
  width?: number;
  height?: number;
}

/** Why processing failed: a stable code (`processing_failure.<code>` in the dictionaries) and the values its sentence names. */
export interface ProcessingReason {
  code: string;
  vars: Record<string, string | number>;
}

export interface Media {
  /** Decimal digits, assigned by the store, never reused: `/media/:id` URLs stay valid. */
  id: string;
  slug: string;
  type: MediaType;
  status: MediaStatus;
  title: string;
  description: string;
  sectorId: string | null;
  keywordIds: string[];
  licence: string;
  authorId: string | null;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  /**
   * A draft's scheduled publication (ISO instant): core/media/scheduler.ts publishes it then and
   * clears it. Only a draft carries one.
   */
  publishAt?: string;
  views: number;
  /** The uploaded file; `name` is the sanitised original name, kept as metadata only. */
  original: StoredFile & { name: string; sha256: string };
  /** Derivatives by variant name: thumb, medium, large, poster, and their webp twins; `web` (audio/video browsers play). */
  variants: Record<string, StoredFile>;
  /** What probing found: width, height, duration (s), codecs, bitrate, orientation… */
  meta: Record<string, unknown>;
  /** A video's subtitles and captions (WebVTT), at most one per kind and language. */
  tracks?: TextTrack[];
  /**
   * `step: 'web'` while (or because) making the web version failed, after the probe and the poster.
   * A failure keeps `error` (English; records from before `reason` have only it), its `reason` and
   * the end of what the tool printed (`output`): see core/media/failure.ts.
   */
  processing: { state: 'waiting' | 'processing' | 'done' | 'failed'; step?: 'web'; error?: string; reason?: ProcessingReason; output?: string; attempts: number; updatedAt?: string };
}

export type TrackKind = 'subtitles' | 'captions';

/** A text track of a video: its file (WebVTT, under the files folder) and what it is. */
export interface TextTrack {
  /** `subtitles` translate the dialogue; `captions` also describe the sound, for deaf and hard-of-hearing viewers. */
  kind: TrackKind;
  /** A language code (`fr`, `en`…). */
  lang: string;
  file: StoredFile;
}

export interface Sector {
  id: string;
  slug: string;
  title: string;
  description: string;
  order: number;
  visible: boolean;
  display: 'grid' | 'list';
  defaultSort: 'date' | 'title' | 'popularity';
  /** Slugs the sector had before: their old addresses redirect to the current one. */
  formerSlugs?: string[];
}

export interface KeywordGroup {
  id: string;
  /** The tag group's slug is `tags`. */
  slug: string;
  title: string;
  /** Several keywords of this group per media (else at most one). */
  multiple: boolean;
  inNavigation: boolean;
  order: number;
}

export interface Keyword {
  id: string;
  groupId: string;
  slug: string;
  title: string;
  description: string;
  /**
   * Addresses the keyword had before, newest last (the last 20): its slugs before a rename, and
   * those of keywords merged into it, each with the group it was in (a merge may cross groups).
   * `/keywords/<group>/<slug>` for one of them redirects to the current address, and `kw=` finds it.
   */
  formerSlugs?: FormerKeywordSlug[];
}

export interface FormerKeywordSlug {
  groupId: string;
  slug: string;
}

/** A small collection: the whole list fits in memory and changes rarely. */
export interface SimpleRepository<T extends { id: string }> {
  list(): Promise<T[]>;
  get(id: string): Promise<T | undefined>;
  /** The store assigns the id. */
  create(input: Omit<T, 'id'>): Promise<T>;
  update(id: string, patch: Partial<Omit<T, 'id'>>): Promise<T | undefined>;
  delete(id: string): Promise<boolean>;
}

export interface MediaRepository {
  get(id: string): Promise<Media | undefined>;
  /**
   * Every media item (for building the search index at start). The records are shared and frozen (the record and
   * the objects directly under it),
   * not copies: safe to keep (the store never changes them in place), not to modify.
   */
  list(): Promise<Media[]>;
  /**
   * The media with these ids, in that order, unknown ids left out: shared and frozen like list(),
   * for pages that show them (a copy of each record cost a page of 24 results more than rendering it).
   */
  getMany(ids: readonly string[]): Promise<Media[]>;
  /**
   * A page of the library, newest first (highest id first): `limit` media after skipping `offset`.
   * Shared and frozen like list(); costs the page, not the library (the admin media list).
   */
  latest(offset: number, limit: number): Promise<Media[]>;
  count(): Promise<number>;
  create(input: Omit<Media, 'id'>): Promise<Media>;
  update(id: string, patch: Partial<Omit<Media, 'id'>>): Promise<Media | undefined>;
  /** Applies `fn` to many items in as few writes as the backend allows; returns how many changed. */
  updateMany(ids: string[], fn: (m: Media) => Partial<Omit<Media, 'id'>> | undefined): Promise<number>;
  delete(id: string): Promise<boolean>;
}
