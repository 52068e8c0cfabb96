import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { LmdbStore, MemoryStore, type Store } from '../host/store/index.js';
import { storeConformance } from './support/store-conformance.js';

/** Every Store implementation against the one conformance suite (the NATS store joins it later). */

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'romhost-store-'));
  dirs.push(dir);
  return dir;
};

storeConformance('memory', async () => new MemoryStore());
storeConformance(
  'lmdb',
  () => LmdbStore.open(freshDir()),
  (closed: Store) => LmdbStore.open((closed as LmdbStore).dir),
);
