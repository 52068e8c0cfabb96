import { createHash } from 'node:crypto';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Compiled core modules by the SHA-256 of their bytes: each is compiled once, however many
 * components contain it and however many instances run it.
 */
export class ModuleCache {
  readonly #modules = new Map<string, Promise<WebAssembly.Module>>();

  compile(bytes: Uint8Array, hash = sha256(bytes)): Promise<WebAssembly.Module> {
    let module = this.#modules.get(hash);
    if (!module) {
      module = WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
      // A failed compile is not cached: the next load of the same bytes reports it again.
      module.catch(() => this.#modules.delete(hash));
      this.#modules.set(hash, module);
    }
    return module;
  }

  get size(): number {
    return this.#modules.size;
  }
}
