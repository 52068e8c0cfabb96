import type { Value } from './commands.js';

/**
 * Spec-test values to and from JavaScript. Floats cross as their bits (call-wrappers.ts
 * reinterprets them inside wasm): a JS number would quiet a signalling NaN.
 */

/** `ref.extern N` as one JS object per N, so that identity compares as the spec means. */
const externs = new Map<string, object>();
function extern(n: string): object {
  let ref = externs.get(n);
  if (!ref) externs.set(n, (ref = { externref: n }));
  return ref;
}

/** An argument as the wrapper takes it: i32 and f32 bits as numbers, i64 and f64 bits as bigints. */
export function argument(v: Value): unknown {
  const text = v.value ?? '';
  switch (v.type) {
    case 'i32':
    case 'f32':
      return Number(text) | 0;
    case 'i64':
    case 'f64':
      return BigInt.asIntN(64, BigInt(text));
    case 'externref':
    case 'funcref':
      if (text === 'null') return null;
      if (v.type === 'externref') return extern(text);
  }
  throw new Error(`argument of type ${v.type} ${text}: the runner does not pass it`);
}

/** Why `actual` does not match the expected result, or undefined when it does. */
export function mismatch(expected: Value, actual: unknown): string | undefined {
  const want = expected.value;
  switch (expected.type) {
    case 'i32':
      return check(typeof actual === 'number' && String(actual >>> 0) === want, expected, actual);
    case 'i64':
      return check(typeof actual === 'bigint' && String(BigInt.asUintN(64, actual)) === want, expected, actual);
    case 'f32': {
      if (typeof actual !== 'number') return check(false, expected, actual);
      return floatMismatch(BigInt(actual >>> 0), 32, expected);
    }
    case 'f64': {
      if (typeof actual !== 'bigint') return check(false, expected, actual);
      return floatMismatch(BigInt.asUintN(64, actual), 64, expected);
    }
    case 'externref':
      return check(want === 'null' ? actual === null : actual === extern(want ?? ''), expected, actual);
    case 'funcref':
      return check(want === 'null' ? actual === null : typeof actual === 'function', expected, actual);
  }
  return `result of type ${expected.type}: the runner does not compare it`;
}

function floatMismatch(bits: bigint, width: 32 | 64, expected: Value): string | undefined {
  const exponentAndQuiet = width === 32 ? 0x7fc0_0000n : 0x7ff8_0000_0000_0000n;
  const sign = width === 32 ? 0x8000_0000n : 0x8000_0000_0000_0000n;
  const found = `${expected.type} bits 0x${bits.toString(16)}`;
  switch (expected.value) {
    case 'nan:canonical': // quiet bit only, any sign
      return (bits & ~sign) === exponentAndQuiet ? undefined : `${found}, expected a canonical NaN`;
    case 'nan:arithmetic': // quiet bit set, any payload and sign
      return (bits & exponentAndQuiet) === exponentAndQuiet ? undefined : `${found}, expected an arithmetic NaN`;
    default:
      return bits === BigInt(expected.value ?? '') ? undefined : `${found}, expected 0x${BigInt(expected.value ?? '').toString(16)}`;
  }
}

function check(ok: boolean, expected: Value, actual: unknown): string | undefined {
  return ok ? undefined : `${String(actual)} (${typeof actual}), expected ${expected.type} ${expected.value ?? '(any)'}`;
}

/** A global's value (`get`), which crosses as a JS number: floats by value, NaNs by NaN-ness only. */
export function globalMismatch(expected: Value, actual: unknown): string | undefined {
  if (expected.type === 'f32' || expected.type === 'f64') {
    if (typeof actual !== 'number') return check(false, expected, actual);
    const view = new DataView(new ArrayBuffer(8));
    if (expected.type === 'f32') view.setFloat32(0, actual, true);
    else view.setFloat64(0, actual, true);
    const bits = expected.type === 'f32' ? BigInt(view.getUint32(0, true)) : view.getBigUint64(0, true);
    if (Number.isNaN(actual) && expected.value?.startsWith('nan:')) return undefined;
    return floatMismatch(bits, expected.type === 'f32' ? 32 : 64, expected);
  }
  return mismatch(expected, actual);
}
