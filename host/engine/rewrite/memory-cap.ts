import { refuse } from './rewrite-error.js';
import { findSection, readU32, SECTION, writeU32 } from './wasm-sections.js';

/** Limits flags: bit 0 = has a maximum, bit 1 = shared; any other bit is memory64 or custom page sizes. */
const HAS_MAX = 0x01;
const KNOWN_FLAGS = 0x03;

/**
 * The payload of a memory section with every maximum lowered to `cap` pages (memories without a
 * maximum get one), so that `memory.grow` past the cap returns -1 inside the guest. Only the
 * memories a module defines are here; imported ones belong to whoever exports them.
 */
export function capMemorySection(payload: Uint8Array, cap: number): Uint8Array {
  let [count, at] = readU32(payload, 0);
  const out = writeU32(count);
  for (let index = 0; index < count; index++) {
    const flags = payload[at++];
    if (flags === undefined) throw new RangeError('memory section ends inside a memory');
    if ((flags & ~KNOWN_FLAGS) !== 0) refuse('memory-limits', { index, flags });
    let min: number;
    let max = cap;
    [min, at] = readU32(payload, at);
    if (flags & HAS_MAX) [max, at] = readU32(payload, at);
    if (min > cap) refuse('memory-over-cap', { index, min, cap });
    out.push(flags | HAS_MAX, ...writeU32(min), ...writeU32(Math.min(max, cap)));
  }
  if (at !== payload.length) throw new RangeError('memory section has bytes after its last memory');
  return Uint8Array.from(out);
}

/**
 * Whether the module defines a memory (its memory section lists one), which a cap then applies
 * to. False for bytes too malformed to tell: validation refuses those.
 */
export function definesMemory(bytes: Uint8Array): boolean {
  try {
    const payload = findSection(bytes, SECTION.memory);
    return payload !== undefined && readU32(payload, 0)[0] > 0;
  } catch (e) {
    if (e instanceof RangeError) return false;
    throw e;
  }
}
