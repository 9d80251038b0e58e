import { once } from 'node:events';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { Pack } from 'tar';
import type { Store, StoreSnapshot } from '../store/index.ts';
import { SESSION_SECRET_SETTING } from '../auth/session-store.ts';
import { addBytes, addFolder } from './tar-entries.ts';
import { mediaFilesArchiver } from './media-files.ts';

export interface BackupOptions {
  store: Store;
  /** The data folder's `files/`. */
  filesDir: string;
  withFiles: boolean;
  /** Where the .tar.gz goes (an HTTP response, a file). Not ended on failure: the caller drops it. */
  output: Writable;
}

export interface BackupSummary {
  /** The moment the database copy stands for. */
  takenAt: string;
  schemaVersion: number;
  media: number;
  /** Media files in the archive (0 without them). */
  files: number;
  /** Bytes before compression. */
  bytes: number;
}

/**
 * Writes a backup as a gzipped tar laid out like a data folder (`db/…`, and `files/…` when asked),
 * so restoring is extracting it into an empty data folder. Sessions and the generated session
 * secret are left out: a restored site signs everyone in again.
 *
 * With the files, they are read first and the database copy is taken after them; then any file
 * the copied records name that the walk did not see (a media uploaded, or a derivative remade,
 * meanwhile) is added. So every file the archived database names is in the archive, as whole as
 * on disk (each is read through a handle opened before its size is taken, and the server only
 * ever replaces files by renaming a finished one over them).
 */
export async function writeBackup(options: BackupOptions): Promise<BackupSummary> {
  const pack = new Pack({ gzip: true, portable: true });
  const abort = new AbortController();
  const { signal } = abort;
  const finished = once(options.output, 'finish');
  finished.catch(() => {}); // an output error is reported by `failed`
  // The output failing (a download cancelled, a full disk) or the archive failing stops the work where it stands.
  const failed = new Promise<never>((_resolve, reject) => {
    const fail = (err: unknown) => {
      abort.abort(err);
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    pack.on('error', fail);
    options.output.on('error', fail);
    options.output.on('close', () => {
      if (!options.output.writableFinished) fail(new Error('the output closed before the archive was complete'));
    });
  });
  pack.pipe(options.output);

  const work = async (): Promise<BackupSummary> => {
    const files = mediaFilesArchiver(pack, options.filesDir, signal);
    let snapshot: StoreSnapshot;
    if (options.withFiles) {
      await files.addAll();
      snapshot = await options.store.snapshot(snapshotOptions);
      await files.addMissing(snapshot.media());
    } else {
      snapshot = await options.store.snapshot(snapshotOptions);
    }
    let bytes = files.totals.bytes;

    const takenAt = new Date(snapshot.takenAt);
    const folders = new Set<string>();
    let media = 0;
    for (const _ of snapshot.media()) media += 1;
    for (const file of snapshot.files) {
      for (let dir = path.posix.dirname(file.path); dir !== '.' && !folders.has(dir); dir = path.posix.dirname(dir)) folders.add(dir);
    }
    for (const dir of [...folders].sort()) addFolder(pack, dir);
    for (const file of snapshot.files) {
      if (signal.aborted) throw signal.reason;
      const content = await file.read();
      await addBytes(pack, file.path, content, takenAt, signal);
      bytes += content.length;
    }
    pack.end();
    await Promise.race([finished, failed]);
    return { takenAt: snapshot.takenAt, schemaVersion: snapshot.schemaVersion, media, files: files.totals.files, bytes };
  };

  const working = work();
  // Whichever settles first decides; the loser's rejection is expected and of no interest.
  working.catch(() => {});
  failed.catch(() => {});
  return Promise.race([working, failed]);
}

/** A restored site signs everyone in again, with a session secret of its own. */
const snapshotOptions = { withoutSessions: true, withoutSettings: [SESSION_SECRET_SETTING] };
