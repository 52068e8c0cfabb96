/** The store: what outlives a host (DESIGN §7). */
export type { Store, StoreBatch, StoredChild } from './store.js';
export { MemoryStore } from './memory-store.js';
export { LmdbStore } from './lmdb-store.js';
export { NatsStore } from './nats-store.js';
export { defaultStoreDir, openStore } from './open-store.js';
export { openDurableHost } from './durable.js';
export type { DurableHost, DurableOptions, Resumed } from './durable.js';
