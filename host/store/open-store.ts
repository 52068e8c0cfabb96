import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fail } from '../errors.js';
import { LmdbStore } from './lmdb-store.js';
import { NatsStore } from './nats-store.js';
import type { Store } from './store.js';

/**
 * Opens the store a `--store` flag names: a folder, for the embedded lmdb store (created when
 * missing), or `nats://HOST:PORT`, for a NATS JetStream server (prefix `romhost`). Fails with
 * `store-unopenable`, naming the folder or URL and why.
 */
export async function openStore(spec: string): Promise<Store> {
  if (/^nats:\/\//i.test(spec)) return NatsStore.open(spec);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) {
    return fail('store-unopenable', { dir: spec, reason: 'this romhost keeps its store in a folder (lmdb) or on a NATS server (nats://HOST:PORT); no other URL' });
  }
  const dir = resolve(spec);
  try {
    return await LmdbStore.open(dir);
  } catch (e) {
    return fail('store-unopenable', { dir, reason: (e as Error).message.split('\n')[0]! }, e);
  }
}

/**
 * Where a scenario's store goes when `--store` names no folder: one per scenario file, under the
 * user's state folder (`$XDG_STATE_HOME`, else `~/.local/state`), named after the scenario's folder
 * and a hash of its path, so that two scenarios never share one and the same one always finds its own.
 */
export function defaultStoreDir(scenarioFile: string, env: NodeJS.ProcessEnv = process.env): string {
  const file = resolve(scenarioFile);
  const state = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  const id = createHash('sha256').update(file).digest('hex').slice(0, 12);
  return join(state, 'romhost', 'stores', `${basename(dirname(file))}-${basename(file).replace(/\.ya?ml$/, '')}-${id}`);
}
