import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCacheDir } from '../engine/index.js';
import { readPackage } from '../package/index.js';
import type { Scenario } from '../scenario/index.js';
import type { Store } from '../store/index.js';
import { writeAtomically } from '../write-atomically.js';

/**
 * A place a restore finds components in, by SHA-256 (a component's identity, DESIGN §1): a file
 * holding exactly those bytes, since a host loads components from files. Every shelf checks the
 * hash of what it hands out; a place that lacks a component says undefined, and the next is asked.
 */
export interface ComponentShelf {
  /** Where it is, for the error that names every place looked in: `package app.romhost`. */
  readonly where: string;
  find(sha256: string): Promise<string | undefined>;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The components of a package, verified and unpacked by `readPackage` (into the engine cache). */
export async function packageShelf(file: string): Promise<ComponentShelf> {
  const { manifest, scenario } = await readPackage(file);
  const paths = new Map(Object.entries(manifest.components).map(([name, c]) => [c.sha256, scenario.components[name]!.path]));
  return { where: `package ${file}`, find: async (hash) => paths.get(hash) };
}

/**
 * The component files a scenario names, as they are on disk now: each read and hashed once, when
 * first asked. A file that is missing or has changed since the snapshot serves no hash it lacks.
 */
export function scenarioShelf(scenario: Scenario, where: string): ComponentShelf {
  let byHash: Promise<Map<string, string>> | undefined;
  const hashAll = async () => {
    const paths = new Map<string, string>();
    for (const { path } of Object.values(scenario.components)) {
      const bytes = await readFile(path).catch(() => undefined);
      if (bytes !== undefined) paths.set(sha256(bytes), path);
    }
    return paths;
  };
  return { where, find: async (hash) => (await (byHash ??= hashAll())).get(hash) };
}

/**
 * The component bytes a store keeps (a durable host keeps every component its steps ran), each
 * written once to `components/SHA256.wasm` under the engine cache (the system's temporary folder
 * when the cache is off): content-addressed, so every restore on this machine shares one file.
 */
export function storeShelf(store: Store): ComponentShelf {
  const folder = join(defaultCacheDir() ?? join(tmpdir(), 'romhost'), 'components');
  return {
    where: `the store (${store.location})`,
    async find(hash) {
      const bytes = await store.component(hash);
      if (bytes === undefined || sha256(bytes) !== hash) return undefined;
      const path = join(folder, `${hash}.wasm`);
      const existing = await readFile(path).catch(() => undefined);
      if (existing === undefined || sha256(existing) !== hash) await writeAtomically(path, bytes, { folders: true });
      return path;
    },
  };
}
