import { once } from 'node:events';
import { Header, ReadEntry, type Pack } from 'tar';

/** Adds a folder entry (the restored folder gets these permissions). */
export function addFolder(pack: Pack, path: string, mode = 0o700): void {
  const entry = new ReadEntry(new Header({ path: path.endsWith('/') ? path : `${path}/`, type: 'Directory', mode, size: 0 }));
  pack.write(entry);
  entry.end();
}

/** Adds a file whose bytes are in memory, and resolves once the archive has taken them (so they can be collected). */
export async function addBytes(pack: Pack, path: string, bytes: Uint8Array, mtime: Date, signal: AbortSignal): Promise<void> {
  const entry = new ReadEntry(new Header({ path, type: 'File', mode: 0o600, size: bytes.length, mtime }));
  const taken = entry.promise();
  pack.write(entry);
  entry.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  await untilAborted(taken, signal);
}

/**
 * Adds a file of `size` bytes read from `chunks`, at the pace the archive is read (the file is
 * never held in memory). The chunks must add up to `size` exactly: the size is in the header,
 * written before them.
 */
export async function addStream(pack: Pack, path: string, size: number, chunks: AsyncIterable<Buffer>, mtime: Date, signal: AbortSignal): Promise<void> {
  const entry = new ReadEntry(new Header({ path, type: 'File', mode: 0o644, size, mtime }));
  const taken = entry.promise();
  pack.write(entry);
  let written = 0;
  for await (const chunk of chunks) {
    const part = chunk.subarray(0, Math.max(0, size - written));
    written += part.length;
    if (part.length && !entry.write(part)) await once(entry, 'drain', { signal });
    if (written >= size) break;
  }
  // A file cut short while it was read (it never is: files are replaced whole) is padded, so the archive stays readable.
  if (written < size) entry.write(Buffer.alloc(size - written));
  entry.end();
  await untilAborted(taken, signal);
}

function untilAborted(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
