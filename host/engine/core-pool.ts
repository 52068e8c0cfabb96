import { FastCore } from './fast-path.js';
import { poolBound, WASM_PAGE, zeroMemory, type MemoryPool } from './memory-pool.js';
import { RESET_EXPORT } from './rewrite/index.js';

/** The image's granularity, as zeroMemory's: an OS page. */
const PAGE = 4096;

/** A memory as instantiation leaves it: its size, and the bytes of each 4 KiB page that is not all zero (the data segments'). */
interface MemoryImage {
  readonly byteLength: number;
  readonly pages: readonly { readonly offset: number; readonly bytes: Uint8Array }[];
}

/**
 * The fast-path cores of one compiled main module, for instances to take and give back (README.md,
 * "Reusable instances"). `new WebAssembly.Instance` was the largest part of a wake; a core given
 * back is made new instead: its memory zeroed where written and given the bytes instantiation
 * left in it (the first core's, taken once), then `romhost_reset` sets every mutable global to
 * its initial value. The rewrite adds that export only to a module with no other state that
 * outlives instantiation; without it, or once its memory grew, a core is not reused (its memory
 * may still be, through the memory pool).
 */
export class CorePool {
  readonly #free: FastCore[] = [];
  readonly #resettable: boolean;
  readonly #keep: number;
  #image: MemoryImage | undefined;
  /** Cores instantiated, and taken again once made new. */
  made = 0;
  reused = 0;

  /** `memories`: where the module's memory comes from, when it imports one. */
  constructor(
    readonly module: WebAssembly.Module,
    readonly memories: MemoryPool | undefined,
  ) {
    this.#resettable = WebAssembly.Module.exports(module).some((e) => e.name === RESET_EXPORT && e.kind === 'function');
    this.#keep = poolBound(memories ? memories.limits.initial * WASM_PAGE : 0);
  }

  /** A core as new: instantiated now, or one given back and made new. */
  take(): FastCore {
    const core = this.#free.pop();
    if (core !== undefined) {
      this.reused += 1;
      this.#renew(core);
      return core;
    }
    this.made += 1;
    const fresh = new FastCore(this.module, this.memories?.take());
    if (this.#resettable) this.#image ??= imageOf(fresh.memory);
    return fresh;
  }

  /** A core no instance will call again (its owner released it). */
  readonly give = (core: FastCore): void => {
    const reusable = this.#resettable && this.#image !== undefined && core.memory.buffer.byteLength === this.#image.byteLength;
    if (reusable && this.#free.length < this.#keep) this.#free.push(core);
    else this.memories?.give(core.memory);
  };

  /** Memory and globals as instantiation left them; the start function is the new owner's to run. */
  #renew(core: FastCore): void {
    const memory = core.memory;
    zeroMemory(memory);
    const bytes = new Uint8Array(memory.buffer);
    for (const page of this.#image!.pages) bytes.set(page.bytes, page.offset);
    core.exports[RESET_EXPORT]!();
  }
}

function imageOf(memory: WebAssembly.Memory): MemoryImage {
  const bytes = new Uint8Array(memory.buffer);
  const pages: { offset: number; bytes: Uint8Array }[] = [];
  for (let offset = 0; offset < bytes.length; offset += PAGE) {
    const page = bytes.subarray(offset, offset + PAGE);
    if (page.some((b) => b !== 0)) pages.push({ offset, bytes: page.slice() });
  }
  return { byteLength: bytes.length, pages };
}
