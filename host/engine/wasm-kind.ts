/** What a byte string is, from its 8-byte preamble: `\0asm`, then version and layer. */
export type WasmKind = 'component' | 'core' | 'not-wasm';

const MAGIC = [0x00, 0x61, 0x73, 0x6d];

export function wasmKind(bytes: Uint8Array): WasmKind {
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) return 'not-wasm';
  // Core modules carry version 1 and layer 0; components carry layer 1 (bytes 6..7).
  const layer = bytes[6]! | (bytes[7]! << 8);
  return layer === 1 ? 'component' : 'core';
}
