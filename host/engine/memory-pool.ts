import type { MemoryLimits } from './rewrite/index.js';

const PAGE = 64 * 1024;
/** Memories kept at most, per pool and in bytes: what a burst of stopped children may leave for later. */
const KEEP = 256;
const KEEP_BYTES = 64 * 1024 * 1024;

/**
 * zero-memory.wat, assembled (host/engine/memory-pool.test.ts checks it): `zero()` zeroes the
 * memory it imports as `romhost` `memory`, writing only the 4 KiB pages that are not zero already.
 */
const ZERO_MEMORY = 'AGFzbQEAAAABBAFgAAACEwEHcm9taG9zdAZtZW1vcnkCAAADAgEABwgBBHplcm8AAAp3AXUBA38/AEEQdCECAkADQCAAIAJPDQEgACEBAkADQCAB/QAEACAB/QAEEP1QIAH9AAQgIAH9AAQw/VD9UP1TDQEgAUHAAGohASABIABBgCBqSQ0ACyAAQYAgaiEADAELIABBAEGAIPwLACAAQYAgaiEADAALCwsAOARuYW1lAhIBAAMABHBhZ2UBAmF0AgNlbmQDHQEABAAEZG9uZQEFcGFnZXMCBWRpcnR5AwRzY2Fu';
let zeroModule: WebAssembly.Module | undefined;

/** A function that zeroes `memory`: one small instance per memory, made the first time it is given back. */
function zeroer(memory: WebAssembly.Memory): () => void {
  zeroModule ??= new WebAssembly.Module(Buffer.from(ZERO_MEMORY, 'base64'));
  const instance = new WebAssembly.Instance(zeroModule, { romhost: { memory } });
  return instance.exports['zero'] as () => void;
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
  /** Each memory's cleaner, made once: a memory is given back again and again. */
  readonly #zeroers = new WeakMap<WebAssembly.Memory, () => void>();
  readonly #keep: number;
  /** Memories made new, and taken again once given back. */
  made = 0;
  reused = 0;

  constructor(readonly limits: MemoryLimits) {
    this.#keep = Math.min(KEEP, Math.floor(KEEP_BYTES / Math.max(1, limits.initial * PAGE)));
  }

  /** A memory of `limits.initial` pages, all zero. */
  take(): WebAssembly.Memory {
    const memory = this.#free.pop();
    if (memory === undefined) {
      this.made += 1;
      return new WebAssembly.Memory(this.limits);
    }
    this.reused += 1;
    this.#zeroers.get(memory)!();
    return memory;
  }

  /** A memory whose instance will never run again: kept for reuse unless it grew or the pool is full. */
  give(memory: WebAssembly.Memory): void {
    if (this.#free.length >= this.#keep || memory.buffer.byteLength !== this.limits.initial * PAGE) return;
    if (!this.#zeroers.has(memory)) this.#zeroers.set(memory, zeroer(memory));
    this.#free.push(memory);
  }

  /** Memories waiting for an instance. */
  get size(): number {
    return this.#free.length;
  }
}
