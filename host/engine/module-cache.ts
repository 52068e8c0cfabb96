import { createHash } from 'node:crypto';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Compiled core modules by key (the SHA-256 of their bytes and the memory cap they were
 * rewritten for): each is rewritten and compiled once, however many components contain it and
 * however many instances run it.
 */
export class ModuleCache {
  readonly #modules = new Map<string, Promise<WebAssembly.Module>>();

  compile(key: string, bytes: () => Promise<Uint8Array>): Promise<WebAssembly.Module> {
    let module = this.#modules.get(key);
    if (!module) {
      module = bytes().then((b) => WebAssembly.compile(b as Uint8Array<ArrayBuffer>));
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
