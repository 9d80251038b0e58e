export * from './types.ts';
export { openLowdbStore } from './lowdb/index.ts';
export { CURRENT_SCHEMA_VERSION } from './migrations.ts';
export { lockHolder } from './lowdb/lock.ts';
export { onStoreChange, storeListenerCount, type ChangedArea, type StoreChangeListener } from './change-feed.ts';
export { cachedRead } from './cached-read.ts';
