import { randomUUID } from 'node:crypto';
import type { SimpleRepository } from '../types.ts';
import type { Collection } from './collection.ts';

export function simpleRepository<T extends { id: string }>(col: Collection<T>): SimpleRepository<T> {
  return {
    async list() {
      return col.values();
    },
    async get(id) {
      return col.get(id);
    },
    async create(input) {
      const item = { ...input, id: randomUUID() } as T;
      await col.put(item.id, item);
      return structuredClone(item);
    },
    async update(id, patch) {
      const current = col.get(id);
      if (!current) return undefined;
      const next = { ...current, ...patch, id } as T;
      await col.put(id, next);
      return next;
    },
    async delete(id) {
      return col.delete(id);
    },
  };
}
