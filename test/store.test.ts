import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { LmdbStore, MemoryStore, NatsStore, type Store } from '../host/store/index.js';
import { startNatsServer, type NatsServer } from '../bench/nats-server.js';
import { storeConformance } from './support/store-conformance.js';
import { tempDirs } from './support/temp-dirs.js';

/** Every Store implementation against the one conformance suite. */

const freshDir = tempDirs('romhost-store-');

storeConformance('memory', async () => new MemoryStore());
storeConformance(
  'lmdb',
  () => LmdbStore.open(freshDir()),
  (closed: Store) => LmdbStore.open((closed as LmdbStore).dir),
);

// One real nats-server for the NATS store's tests; each store has a prefix of its own on it.
let nats: NatsServer | undefined;
beforeAll(async () => void (nats = await startNatsServer()));
afterAll(() => nats?.stop());
storeConformance(
  'nats',
  () => NatsStore.open(nats!.url, { prefix: `t-${randomUUID()}` }),
  (closed: Store) => NatsStore.open(nats!.url, { prefix: (closed as NatsStore).prefix }),
);
