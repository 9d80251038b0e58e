import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Pack } from 'tar';
import type { Media } from '../store/index.ts';
import { addFolder, addStream } from './tar-entries.ts';

/** Names the server never gives a kept file: files being written (they are renamed into place when whole). */
const IN_PROGRESS = /^\.|\.(tmp|part|clean)$/;

/**
 * Puts the data folder's `files/` into an archive as `files/…`. Each file is read through a handle
 * opened before its size is taken: the server only ever replaces a file by renaming a finished one
 * over it, so what goes in is a whole version of it, even if it changes meanwhile.
 */
export function mediaFilesArchiver(pack: Pack, filesDir: string, signal: AbortSignal) {
  const root = path.resolve(filesDir);
  const seen = new Set<string>();
  const totals = { files: 0, bytes: 0 };

  async function addFile(rel: string): Promise<void> {
    let handle;
    try {
      handle = await open(path.join(root, rel), 'r');
    } catch (err) {
      // Deleted since it was listed (its media went): the database, copied after, does not name it.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      const st = await handle.stat();
      if (!st.isFile()) return;
      await addStream(pack, `files/${rel}`, st.size, handle.createReadStream({ autoClose: false, signal }), st.mtime, signal);
      seen.add(rel);
      totals.files += 1;
      totals.bytes += st.size;
    } finally {
      await handle.close();
    }
  }

  async function walk(rel: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(path.join(root, rel), { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (signal.aborted) throw signal.reason;
      if (IN_PROGRESS.test(entry.name)) continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        addFolder(pack, `files/${child}`, 0o755);
        await walk(child);
      } else if (entry.isFile()) {
        await addFile(child);
      }
    }
  }

  return {
    totals,
    /** Every file under `files/`, in name order. */
    async addAll(): Promise<void> {
      addFolder(pack, 'files', 0o755);
      await walk('');
    },
    /** The files these records name (originals, derivatives, subtitles) that the walk did not see (uploaded, or remade, since it passed). */
    async addMissing(media: Iterable<Media>): Promise<void> {
      for (const m of media) {
        for (const stored of [m.original, ...Object.values(m.variants), ...(m.tracks ?? []).map((t) => t.file)]) {
          const rel = stored.file.split(path.sep).join('/');
          if (!seen.has(rel) && !path.posix.normalize(rel).startsWith('..')) await addFile(rel);
        }
      }
    },
  };
}
