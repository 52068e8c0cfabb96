import { Limiter, type InstanceLimits } from './limiter.js';
import type { MemoryPool } from './memory-pool.js';
import { MEMORY_IMPORT } from './rewrite/index.js';
import type { ChildImports, ComponentInstance } from './types.js';
import { utf8 as encodeUtf8 } from '../utf8.js';

/** Core import and export names of the world, as wit-component lays them out (wit/ABI.md). */
const ROM = 'romhost:component/rom@0.1.0';
const REPORT = 'romhost:component/report@0.1.0';
const ALLOWED_IMPORTS = new Set([`${ROM}\0read`, `${REPORT}\0submit`]);

/** The main core module's name, or why the fast path cannot take this component. */
export function fastPathMain(modules: ReadonlyMap<string, WebAssembly.Module>): { main: string } | { reason: string } {
  const mains = [...modules].filter(([, m]) => hasExport(m, 'update', 'function'));
  if (mains.length === 0) return { reason: 'no core module exports update by the core names of wit/ABI.md' };
  if (mains.length > 1) return { reason: `${mains.length} core modules export update` };
  const [main, module] = mains[0]!;
  for (const [name, kind] of [['memory', 'memory'], ['cabi_realloc', 'function']] as const) {
    if (!hasExport(module, name, kind)) return { reason: `its main module exports no ${name}` };
  }
  for (const i of WebAssembly.Module.imports(module)) {
    if (!ALLOWED_IMPORTS.has(`${i.module}\0${i.name}`)) return { reason: `its main module imports ${i.module} ${i.name}` };
  }
  // Besides the main module, wit-component adds only a shim and a fixup that wire imports through
  // a table; anything with a memory or an outside import (an adapter, a second main) needs the glue.
  for (const [name, m] of modules) {
    if (name === main) continue;
    const outside = WebAssembly.Module.imports(m).find((i) => i.kind === 'memory' || i.module.includes(':'));
    if (outside || hasExport(m, 'memory', 'memory')) return { reason: `its core module ${name} has a memory or imports of its own` };
  }
  return { main };
}

function hasExport(m: WebAssembly.Module, name: string, kind: WebAssembly.ImportExportKind): boolean {
  return WebAssembly.Module.exports(m).some((e) => e.name === name && e.kind === kind);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Enough for the ROM and report names of a child; more only costs a decode. */
const NAMES_KEPT = 16;

function equalAt(memory: Uint8Array, ptr: number, bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (memory[ptr + i] !== bytes[i]) return false;
  return true;
}

interface Exports {
  memory: WebAssembly.Memory;
  cabi_realloc(oldPtr: number, oldSize: number, align: number, newSize: number): number;
  update(listPtr: number, listLen: number): void;
  cabi_post_update?(): void;
  _initialize?(): void;
}

/** The exports of a released instance: every call throws. */
const RELEASED: Exports = {
  memory: new WebAssembly.Memory({ initial: 0, maximum: 0 }),
  cabi_realloc: released,
  update: released,
};

function released(): never {
  throw new TypeError('this instance was released: it is never called again');
}

/**
 * An instance called directly: the host lowers `update`'s arguments into the guest's memory and
 * lifts `read` and `submit` out of it, per the canonical ABI of this one world (wit/ABI.md).
 */
export class FastInstance implements ComponentInstance {
  #exports: Exports;
  /** Where its memory goes back once it is released; undefined when the module defines its own. */
  readonly #pool: MemoryPool | undefined;
  readonly #limiter: Limiter;
  #bytes = new Uint8Array(0);
  #view = new DataView(new ArrayBuffer(0));
  /** Local ROM names are few and fixed per child: encode each once. */
  readonly #encoded = new Map<string, Uint8Array>();
  /** Names the guest passed lately, decoded (see #string). */
  readonly #names: { bytes: Uint8Array; text: string }[] = [];

  constructor(module: WebAssembly.Module, imports: ChildImports, limits: InstanceLimits, pool?: MemoryPool) {
    this.#limiter = new Limiter(limits);
    this.#pool = pool;
    // wasm hands i32s to JS as signed numbers: `>>> 0` reads them as the u32 addresses they are.
    const instance = this.#limiter.run(() => new WebAssembly.Instance(module, {
      ...(pool && { [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: pool.take() } }),
      [ROM]: {
        read: (namePtr: number, nameLen: number, retPtr: number) =>
          this.#read(imports, namePtr >>> 0, nameLen >>> 0, retPtr >>> 0),
      },
      [REPORT]: {
        submit: (namePtr: number, nameLen: number, dataPtr: number, dataLen: number) =>
          imports.submit(this.#string(namePtr >>> 0, nameLen >>> 0), this.#slice(dataPtr >>> 0, dataLen >>> 0)),
      },
    }));
    this.#limiter.adopt(instance);
    this.#exports = instance.exports as unknown as Exports;
    const initialize = this.#exports._initialize;
    if (initialize) {
      this.#limiter.arm();
      this.#limiter.run(() => initialize());
    }
  }

  /**
   * Never to be called again: its memory goes back to the pool, for another instance once zeroed.
   * Any later update throws rather than touch a memory that may be another's.
   */
  release(): void {
    const memory = this.#exports.memory;
    this.#exports = RELEASED;
    this.#bytes = new Uint8Array(0);
    if (this.#pool && memory !== RELEASED.memory) this.#pool.give(memory);
  }

  /** One update under the limits: its lowering, the call and post-return share one fuel budget. */
  update(changed: readonly string[]): void {
    this.#limiter.arm();
    try {
      this.#update(changed);
    } catch (e) {
      throw this.#limiter.classify(e);
    }
  }

  #update(changed: readonly string[]): void {
    const e = this.#exports;
    // Canonical order: the list buffer first, then each string.
    const list = e.cabi_realloc(0, 0, 4, changed.length * 8) >>> 0;
    for (let i = 0; i < changed.length; i++) {
      const name = changed[i]!;
      let bytes = this.#encoded.get(name);
      if (!bytes) this.#encoded.set(name, (bytes = encodeUtf8(name)));
      const ptr = e.cabi_realloc(0, 0, 1, bytes.length) >>> 0;
      this.#memory(ptr, bytes.length).set(bytes, ptr);
      this.#memory(list + i * 8, 8);
      this.#view.setUint32(list + i * 8, ptr, true);
      this.#view.setUint32(list + i * 8 + 4, bytes.length, true);
    }
    e.update(list, changed.length);
    e.cabi_post_update?.();
  }

  #read(imports: ChildImports, namePtr: number, nameLen: number, retPtr: number): void {
    const value = imports.read(this.#string(namePtr, nameLen));
    if (value === undefined) {
      this.#memory(retPtr, 12)[retPtr] = 0;
      return;
    }
    const ptr = this.#exports.cabi_realloc(0, 0, 1, value.length) >>> 0;
    this.#memory(ptr, value.length).set(value, ptr);
    this.#memory(retPtr, 12)[retPtr] = 1;
    this.#view.setUint32(retPtr + 4, ptr, true);
    this.#view.setUint32(retPtr + 8, value.length, true);
  }

  /**
   * A name the guest passes: ROM and report names are few per child and passed again and again,
   * so the last ones are kept with their bytes; comparing bytes costs less than decoding them.
   */
  #string(ptr: number, len: number): string {
    const memory = this.#memory(ptr, len);
    for (const known of this.#names) {
      if (known.bytes.length === len && equalAt(memory, ptr, known.bytes)) return known.text;
    }
    const bytes = memory.slice(ptr, ptr + len);
    const text = utf8.decode(bytes);
    if (this.#names.length === NAMES_KEPT) this.#names.shift();
    this.#names.push({ bytes, text });
    return text;
  }

  #slice(ptr: number, len: number): Uint8Array {
    return this.#memory(ptr, len).slice(ptr, ptr + len);
  }

  /**
   * The guest's memory as bytes; traps as the canonical ABI does when out of bounds. Growth
   * detaches the old buffer, whose view then has length 0: only then is `memory.buffer` read again
   * (its getter is not free on this path). A detached view must never be handed out, even for
   * zero bytes: set and slice throw on it.
   */
  #memory(ptr: number, len: number): Uint8Array {
    const known = this.#bytes.length;
    if (ptr + len <= known && known !== 0) return this.#bytes;
    const buffer = this.#exports.memory.buffer;
    if (this.#bytes.buffer !== buffer) {
      this.#bytes = new Uint8Array(buffer);
      this.#view = new DataView(buffer);
    }
    if (ptr + len > this.#bytes.length) {
      throw new WebAssembly.RuntimeError(`out of bounds: ${len} bytes at ${ptr}, memory is ${this.#bytes.length} bytes`);
    }
    return this.#bytes;
  }
}
