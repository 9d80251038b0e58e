import { Low } from 'lowdb';
import { rm } from 'node:fs/promises';
import { DurableJsonFile } from './durable-file.ts';

interface Batch {
  promise: Promise<void>;
  undos: Array<() => void>;
}

/**
 * One lowdb document on disk. Changes are applied in memory, then `commit()` persists them:
 * commits made while a write is in flight share the next write, so a burst of N changes costs
 * at most two serialisations of this file, and writes to one file never overlap.
 * If a write fails, the changes of its batch are undone in memory so memory matches disk.
 */
export class DocFile<T> {
  readonly db: Low<T>;
  private inflight: Promise<void> = Promise.resolve();
  private next: Batch | null = null;
  /** How many writes of this file have failed (and been undone) since it was opened: a snapshot checks it. */
  failures = 0;

  constructor(readonly file: string, defaultData: T) {
    this.db = new Low<T>(new DurableJsonFile<T>(file), defaultData);
  }

  get data(): T {
    return this.db.data;
  }

  /** Reads the file; returns false when it did not exist (data stays the default). */
  async load(): Promise<boolean> {
    const adapter = this.db.adapter as DurableJsonFile<T>;
    const data = await adapter.read();
    if (data === null) return false;
    this.db.data = data;
    return true;
  }

  /** `load()`, blocking (see DurableJsonFile.readSync). */
  loadSync(): boolean {
    const data = (this.db.adapter as DurableJsonFile<T>).readSync();
    if (data === null) return false;
    this.db.data = data;
    return true;
  }

  commit(undo: () => void = () => {}): Promise<void> {
    if (!this.next) {
      const batch: Batch = { undos: [], promise: Promise.resolve() };
      batch.promise = this.inflight.then(
        () => this.flush(batch),
        () => this.flush(batch),
      );
      this.next = batch;
      this.inflight = batch.promise;
    }
    this.next.undos.push(undo);
    return this.next.promise;
  }

  private async flush(batch: Batch): Promise<void> {
    this.next = null;
    try {
      await this.db.write();
    } catch (err) {
      this.failures += 1;
      for (const undo of batch.undos.reverse()) undo();
      throw err;
    }
  }

  /** Resolves when every commit so far is on disk (or failed). */
  async idle(): Promise<void> {
    await this.inflight.catch(() => {});
  }

  async remove(): Promise<void> {
    await this.idle();
    await rm(this.file, { force: true });
  }
}
