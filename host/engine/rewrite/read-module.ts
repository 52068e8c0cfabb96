import type Binaryen from 'binaryen';
import type { BinaryenApi } from './binaryen.js';
import { refuse } from './rewrite-error.js';
import { patchSections, readU32 } from './wasm-sections.js';

/**
 * The WebAssembly features a rewritten module may use: WebAssembly 2.0 as the components built
 * here use it, plus extended constant expressions (componentize-qjs output has them; they run no
 * code worth metering). binaryen's default is bare MVP, and without both bulk-memory flags it
 * cannot even read a module that uses `memory.copy`. Everything else (threads, exceptions, tail
 * calls, GC, memory64, multiple memories, ...) makes reading fail, and the module is refused.
 */
export const METERED_FEATURES = [
  'MutableGlobals',
  'NontrappingFPToInt',
  'SignExt',
  'BulkMemory',
  'BulkMemoryOpt',
  'Multivalue',
  'ReferenceTypes',
  'CallIndirectOverlong',
  'SIMD128',
  'ExtendedConst',
] as const;

export function featureMask(b: BinaryenApi): number {
  const features = b.Features as unknown as Record<string, number | undefined>;
  let mask = 0;
  for (const name of METERED_FEATURES) {
    const flag = features[name];
    if (flag === undefined) throw new Error(`binaryen.js has no feature ${name}: host/engine/rewrite is written for binaryen 132.0.0`);
    mask |= flag;
  }
  return mask;
}

/**
 * Reads a core module into binaryen. V8 validates it first: binaryen's reader is not a validator
 * (an invalid module must never come out valid) and its errors say only "error in parsing".
 */
export function readModule(b: BinaryenApi, bytes: Uint8Array): Binaryen.Module {
  validate(bytes, (reason) => refuse('invalid-module', { reason }));
  try {
    return b.readBinary(withoutNameSection(bytes), featureMask(b));
  } catch (e) {
    return refuse('unreadable', { features: METERED_FEATURES.join(', ') }, e);
  }
}

/**
 * The module without its `name` custom section: binaryen drops it anyway (without debug info),
 * and reading the subsections it does not know prints warnings on stderr, which is the host's.
 */
function withoutNameSection(bytes: Uint8Array): Uint8Array {
  return patchSections(bytes, (id, payload) => {
    if (id !== 0) return undefined;
    const [length, start] = readU32(payload, 0);
    return new TextDecoder().decode(payload.subarray(start, start + length)) === 'name' ? null : undefined;
  });
}

/** Calls `invalid` with V8's reason when `bytes` is not a module V8 accepts. */
export function validate(bytes: Uint8Array, invalid: (reason: string) => never): void {
  const buffer = bytes as Uint8Array<ArrayBuffer>;
  if (WebAssembly.validate(buffer)) return;
  try {
    new WebAssembly.Module(buffer);
  } catch (e) {
    invalid(e instanceof Error ? e.message : String(e));
  }
  invalid('WebAssembly.validate refuses it');
}
