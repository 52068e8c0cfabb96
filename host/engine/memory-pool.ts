import type { MemoryLimits } from './rewrite/index.js';

/** A WebAssembly page. */
export const WASM_PAGE = 64 * 1024;

/**
 * How many memories of `bytesEach` a pool keeps at most, whatever it pools them in: 256, and 64 MiB
 * in all. What a burst of stopped children may leave for later.
 */
export function poolBound(bytesEach: number): number {
  return Math.min(256, Math.floor((64 * 1024 * 1024) / Math.max(1, bytesEach)));
}

/**
 * zero-memory.wat, assembled (host/engine/memory-pool.test.ts checks it): `zero()` zeroes the
 * memory it imports as `romhost` `memory`, writing only the 4 KiB pages that are not zero already.
 */
const ZERO_MEMORY = 'AGFzbQEAAAABBAFgAAACEwEHcm9taG9zdAZtZW1vcnkCAAADAgEABwgBBHplcm8AAAp3AXUBA38/AEEQdCECAkADQCAAIAJPDQEgACEBAkADQCAB/QAEACAB/QAEEP1QIAH9AAQgIAH9AAQw/VD9UP1TDQEgAUHAAGohASABIABBgCBqSQ0ACyAAQYAgaiEADAELIABBAEGAIPwLACAAQYAgaiEADAALCwsAOARuYW1lAhIBAAMABHBhZ2UBAmF0AgNlbmQDHQEABAAEZG9uZQEFcGFnZXMCBWRpcnR5AwRzY2Fu';
let zeroModule: WebAssembly.Module | undefined;

/** Each memory's cleaner, made the first time it is zeroed: a memory is given back again and again. */
const zeroers = new WeakMap<WebAssembly.Memory, () => void>();

/**
 * Zeroes `memory`, writing only the 4 KiB pages that are not zero already: a page its instance
 * never touched stays unbacked. One small instance per memory does it, made the first time.
 */
export function zeroMemory(memory: WebAssembly.Memory): void {
  let zero = zeroers.get(memory);
  if (zero === undefined) {
    zeroModule ??= new WebAssembly.Module(Buffer.from(ZERO_MEMORY, 'base64'));
    zero = new WebAssembly.Instance(zeroModule, { romhost: { memory } }).exports['zero'] as () => void;
    zeroers.set(memory, zero);
  }
  zero();
}

/**
 * Memories of one type for instances to take and give back (README.md, "Pooled memory"). A wake
 * beside thousands of live instances cost V8 a fresh memory each: an allocation it counts as
 * external and pays for in full collections of the whole heap, a million hibernated members'
 * included. A memory given back is reused once zeroed: to its next instance exactly as a fresh
 * one, since only one that kept its initial size comes back (a guest sees `memory.size`).
 */
export class MemoryPool {
  readonly #free: WebAssembly.Memory[] = [];
  readonly #keep: number;
  /** Memories made new, and taken again once given back. */
  made = 0;
  reused = 0;

  constructor(readonly limits: MemoryLimits) {
    this.#keep = poolBound(limits.initial * WASM_PAGE);
  }

  /** A memory of `limits.initial` pages, all zero. */
  take(): WebAssembly.Memory {
    const memory = this.#free.pop();
    if (memory === undefined) {
      this.made += 1;
      return new WebAssembly.Memory(this.limits);
    }
    this.reused += 1;
    zeroMemory(memory);
    return memory;
  }

  /** A memory whose instance will never run again: kept for reuse unless it grew or the pool is full. */
  give(memory: WebAssembly.Memory): void {
    if (this.#free.length < this.#keep && memory.buffer.byteLength === this.limits.initial * WASM_PAGE) this.#free.push(memory);
  }

  /** Memories waiting for an instance. */
  get size(): number {
    return this.#free.length;
  }
}
