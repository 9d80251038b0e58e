/**
 * Schema versions of the stored data. A migration takes the data at `version - 1` to `version`.
 * Each backend passes its own handle; the lowdb one passes the folder's DocFiles by name.
 */
export interface Migration<Handle> {
  version: number;
  description: string;
  up(handle: Handle): Promise<void>;
}

export const CURRENT_SCHEMA_VERSION = 1;

export async function migrate<Handle>(
  from: number,
  migrations: Migration<Handle>[],
  handle: Handle,
  onStep?: (m: Migration<Handle>) => void,
  target = CURRENT_SCHEMA_VERSION,
): Promise<number> {
  if (from > target) {
    throw new Error(`The data was written by a newer Kiosque (schema ${from}; this version knows up to ${target}). Upgrade Kiosque, or restore a backup made by this version.`);
  }
  let version = from;
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= version) continue;
    if (m.version > target) break;
    if (m.version !== version + 1) throw new Error(`Missing migration to schema ${version + 1}`);
    onStep?.(m);
    await m.up(handle);
    version = m.version;
  }
  if (version !== target) throw new Error(`Missing migration to schema ${target}`);
  return version;
}
