import { copyFile, mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/index.ts';
import { MediaError } from './errors.ts';
import type { MediaFields } from './fields.ts';
import { sha256, type Actor, type MediaService } from './service.ts';

export interface ImportProgress {
  done: number;
  total: number;
  imported: number;
  skipped: number;
  failed: number;
  /** Path relative to the imported folder. */
  current?: string;
  /** Files per second so far, and the estimated seconds left. */
  rate: number;
  etaSeconds: number;
}

export interface ImportFailure {
  file: string;
  /** A `media.errors.*` code (translate with i18n) or `error` for anything unexpected. */
  code: string;
  vars?: Record<string, unknown>;
  message?: string;
}

export interface ImportSummary {
  total: number;
  imported: string[];
  skipped: Array<{ file: string; duplicateOf: string }>;
  failed: ImportFailure[];
  seconds: number;
}

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string) {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) out.push(full);
    }
  }
  await walk(root);
  return out;
}

/**
 * `kiosque import <folder>`: every file of a folder tree becomes a media item, with the same checks
 * as an upload. Files whose content is already in the library are skipped (so an interrupted
 * import resumes where it stopped when run again); source files are copied, never moved.
 */
export async function importFolder(deps: {
  media: MediaService;
  config: Config;
  folder: string;
  user: Actor;
  fields?: MediaFields;
  onProgress?: (p: ImportProgress) => void;
}): Promise<ImportSummary> {
  const started = performance.now();
  const root = path.resolve(deps.folder);
  const files = await listFiles(root);
  const known = new Map<string, string>();
  for (const m of await deps.media.store.media.list()) known.set(m.original.sha256, m.id);
  const tmp = path.join(deps.media.store.info.location, 'tmp', 'uploads', `import-${randomBytes(6).toString('hex')}`);
  await mkdir(tmp, { recursive: true });
  const maxBytes = deps.config.media.maxUploadMB * 1024 * 1024;
  const summary: ImportSummary = { total: files.length, imported: [], skipped: [], failed: [], seconds: 0 };
  const report = (done: number, current?: string) => {
    const elapsed = (performance.now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    deps.onProgress?.({ done, total: files.length, imported: summary.imported.length, skipped: summary.skipped.length, failed: summary.failed.length, current, rate, etaSeconds: rate > 0 ? (files.length - done) / rate : 0 });
  };
  try {
    for (const [i, file] of files.entries()) {
      const rel = path.relative(root, file);
      report(i, rel);
      try {
        if ((await stat(file)).size > maxBytes) throw new MediaError('too_large', 413, 'file');
        const digest = await sha256(file);
        const dup = known.get(digest);
        if (dup) {
          summary.skipped.push({ file: rel, duplicateOf: dup });
          continue;
        }
        const temp = path.join(tmp, `f-${i}`);
        await copyFile(file, temp);
        const m = await deps.media.create(temp, path.basename(file), deps.fields ?? {}, deps.user);
        known.set(m.original.sha256, m.id);
        summary.imported.push(m.id);
      } catch (err) {
        if (err instanceof MediaError) summary.failed.push({ file: rel, code: err.code, vars: err.vars });
        else summary.failed.push({ file: rel, code: 'error', message: (err as Error).message });
      }
    }
    report(files.length);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}
