import { createHash } from 'node:crypto';
import { importedMemoryLimits, type MemoryLimits } from './rewrite/index.js';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A compiled core module, and the memory it imports to be given one from a pool (rewrite's `importMemory`). */
export interface CompiledModule {
  readonly module: WebAssembly.Module;
  readonly memory: MemoryLimits | undefined;
}

/**
 * Compiled core modules by key (the SHA-256 of their bytes, the memory cap they were
 * rewritten for, and whether as a fast-path main): each is rewritten and compiled once, however many components contain it and
 * however many instances run it.
 */
export class ModuleCache {
  readonly #modules = new Map<string, Promise<CompiledModule>>();

  compile(key: string, bytes: () => Promise<Uint8Array>): Promise<CompiledModule> {
    let module = this.#modules.get(key);
    if (!module) {
      module = bytes().then(async (b) => ({ module: await WebAssembly.compile(b as Uint8Array<ArrayBuffer>), memory: importedMemoryLimits(b) }));
      // A failed compile is not cached: the next load of the same bytes reports it again.
      module.catch(() => this.#modules.delete(key));
      this.#modules.set(key, module);
    }
    return module;
  }

  get size(): number {
    return this.#modules.size;
  }
}
