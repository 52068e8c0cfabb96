import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomically } from '../write-atomically.js';
import type { EngineCache } from './engine-cache.js';
import { sha256 } from './module-cache.js';

/**
 * An EngineCache in a directory of files, one per key, named by the key's SHA-256 (keys hold
 * slashes and are long; the entry itself says which key it is for, see sealed-entry.ts).
 *
 * A write goes to a temporary file in the same directory, then is renamed over the entry: rename
 * within one file system is atomic, so a reader sees the old entry, the new one or none, and two
 * processes putting the same entry at once both succeed (the last rename wins, with the same
 * bytes). No fsync: a process that crashes after the rename leaves a whole file in the page
 * cache; a power loss may leave a truncated one, which the entry's digest catches.
 * A process killed between the write and the rename leaves its `*.tmp` file behind: harmless,
 * and deleting the directory (or any file in it) is always safe.
 */
export class DirectoryCache implements EngineCache {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.#file(key));
    } catch (e) {
      if (errorCode(e) === 'ENOENT') return undefined;
      throw e;
    }
  }

  put(key: string, bytes: Uint8Array): Promise<void> {
    return writeAtomically(this.#file(key), bytes, { folders: true });
  }

  #file(key: string): string {
    return join(this.dir, sha256(new TextEncoder().encode(key)));
  }
}

function errorCode(e: unknown): unknown {
  return typeof e === 'object' && e !== null && 'code' in e ? e.code : undefined;
}
