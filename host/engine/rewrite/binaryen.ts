import type Binaryen from 'binaryen';

/** A function of binaryen's C API, as binaryen.js exposes it: pointers and numbers in and out. */
export type CFunction = (...args: number[]) => number;

/**
 * binaryen.js as the rewrite uses it: its typed API with the typings' mistakes corrected, plus
 * the C API underneath (`_Binaryen…`), which the typings do not declare and which alone reaches
 * every expression kind's operands, plus raw 32-bit access to binaryen's own memory (for the
 * operands the C API does not expose).
 */
export type BinaryenApi = Omit<typeof Binaryen, 'readBinary'> & {
  /** The typings omit the feature mask; without it binaryen reads bare MVP. */
  readBinary(bytes: Uint8Array, features: number): Binaryen.Module;
  /** Present at run time, absent from the typings. */
  readonly Function: { getName(func: number): string; setBody(func: number, body: number): void };
  readonly [name: `_Binaryen${string}`]: CFunction | undefined;
  __i32_load(address: number): number;
  __i32_store(address: number, value: number): void;
};

let loading: Promise<BinaryenApi> | undefined;

/** binaryen.js, imported on first use: it takes ~1.3 s, which hosts that never rewrite do not pay. */
export function loadBinaryen(): Promise<BinaryenApi> {
  loading ??= import('binaryen').then((m) => m.default as unknown as BinaryenApi);
  return loading;
}

/** A C API function that must exist; its absence means a binaryen.js the rewrite was not written for. */
export function cFunction(b: BinaryenApi, name: `_Binaryen${string}`): CFunction {
  const f = b[name];
  if (typeof f !== 'function') {
    throw new Error(`binaryen.js has no ${name}: host/engine/rewrite is written for binaryen 132.0.0 (package.json pins it)`);
  }
  return f;
}

/** `i64.const`: binaryen 132 takes one bigint, whatever its typings say (two halves abort it). */
export function i64Const(module: Binaryen.Module, value: bigint): number {
  return (module.i64 as unknown as { const(value: bigint): number }).const(value);
}
