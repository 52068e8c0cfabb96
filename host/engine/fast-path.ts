import { Limiter, type InstanceLimits } from './limiter.js';
import { MEMORY_IMPORT, RESET_EXPORT } from './rewrite/index.js';
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
  [RESET_EXPORT]?(): void;
}

/** Where a core's calls out go: the child that runs on it, none while it waits in a pool. */
const UNOWNED: ChildImports = {
  read: released,
  submit: released,
};

function released(): never {
  throw new TypeError('this instance was released: it is never called again');
}

/**
 * A core instance of a fast-path main module and the host's side of its ABI: it lowers `update`'s
 * arguments into the guest's memory and lifts `read` and `submit` out of it, per the canonical ABI
 * of this one world (wit/ABI.md), for whichever child owns it now. A child's FastInstance runs on
 * one; once released, a core whose module can be made new again (`romhost_reset`) serves the next
 * (core-pool.ts).
 */
export class FastCore {
  readonly instance: WebAssembly.Instance;
  readonly exports: Exports;
  /** The child whose ROMs `read` answers and whose reports `submit` takes. */
  owner: ChildImports = UNOWNED;
  #bytes = new Uint8Array(0);
  #view = new DataView(new ArrayBuffer(0));
  /** Local ROM names are few and fixed per child, and the same for a family's members: encode each once. */
  readonly #encoded = new Map<string, Uint8Array>();
  /** Names the guest passed lately, decoded (see #string). */
  readonly #names: { bytes: Uint8Array; text: string }[] = [];

  /** `memory`: the one the module imports (rewrite's `importMemory`), or none when it defines its own. */
  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory | undefined) {
    // wasm hands i32s to JS as signed numbers: `>>> 0` reads them as the u32 addresses they are.
    this.instance = new WebAssembly.Instance(module, {
      ...(memory && { [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: memory } }),
      [ROM]: {
        read: (namePtr: number, nameLen: number, retPtr: number) => this.#read(namePtr >>> 0, nameLen >>> 0, retPtr >>> 0),
      },
      [REPORT]: {
        submit: (namePtr: number, nameLen: number, dataPtr: number, dataLen: number) =>
          this.owner.submit(this.#string(namePtr >>> 0, nameLen >>> 0), this.#slice(dataPtr >>> 0, dataLen >>> 0)),
      },
    });
    this.exports = this.instance.exports as unknown as Exports;
  }

  get memory(): WebAssembly.Memory {
    return this.exports.memory;
  }

  /** One call of `update` with `changed` as its list of strings, and its post-return. */
  update(changed: readonly string[]): void {
    const e = this.exports;
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

  #read(namePtr: number, nameLen: number, retPtr: number): void {
    const value = this.owner.read(this.#string(namePtr, nameLen));
    if (value === undefined) {
      this.#memory(retPtr, 12)[retPtr] = 0;
      return;
    }
    const ptr = this.exports.cabi_realloc(0, 0, 1, value.length) >>> 0;
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
    const buffer = this.exports.memory.buffer;
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

/**
 * A child's instance on the fast path: a core it owns until it is released, run under the child's
 * limits. A new core or one made new again, it starts the same: the start function and
 * `_initialize`, metered.
 */
export class FastInstance implements ComponentInstance {
  #core: FastCore | undefined;
  readonly #limiter: Limiter;
  /** Takes the core back once this instance is released. */
  readonly #giveBack: (core: FastCore) => void;

  constructor(core: FastCore, imports: ChildImports, limits: InstanceLimits, giveBack: (core: FastCore) => void) {
    this.#limiter = new Limiter(limits);
    this.#giveBack = giveBack;
    this.#core = core;
    core.owner = imports;
    this.#limiter.adopt(core.instance);
    const initialize = core.exports._initialize;
    if (initialize) {
      this.#limiter.arm();
      this.#limiter.run(() => initialize());
    }
  }

  /**
   * Never to be called again: its core goes back, for another child once made new. Any later
   * update throws rather than touch a memory that may be another's.
   */
  release(): void {
    const core = this.#core;
    if (core === undefined) return;
    this.#core = undefined;
    core.owner = UNOWNED;
    this.#giveBack(core);
  }

  /** One update under the limits: its lowering, the call and post-return share one fuel budget. */
  update(changed: readonly string[]): void {
    const core = this.#core;
    if (core === undefined) released();
    this.#limiter.arm();
    try {
      core.update(changed);
    } catch (e) {
      throw this.#limiter.classify(e);
    }
  }
}
