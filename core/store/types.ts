export const roles = ['admin', 'editor', 'member'] as const;
export type Role = (typeof roles)[number];

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string;
  disabled: boolean;
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
  /** Throws DuplicateError when the username (case-insensitive) is taken. */
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
  close(): Promise<void>;
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
