// counter-js: counts the distinct values of its ROM `input` (components/ROLES.md, role counter).
//
// It keeps nothing between updates: the count and the input counted last go out as report
// `state`, which the scenario routes back to this child's ROM `state`. A restart (an update with
// every routed ROM listed as changed) finds that input already counted and submits the same bytes.
//
// ROM state    absent, or "COUNT" (nothing counted yet) or "COUNT\nLAST" (LAST = the exact
//              bytes of the input counted last)
// ROM input    any bytes
// report count COUNT in decimal ASCII
// report state as ROM state
import { concatBytes, equalBytes, read, submit, utf8 } from 'romhost';

const NEWLINE = 0x0a;
const DIGITS = /^[0-9]{1,19}$/;

export function update(changed) {
  // ROM state: absent or unreadable = nothing counted yet. The count is unsigned 64-bit, as in
  // counter-wat: BigInt, not Number, so that every state any implementation wrote reads the same.
  let count = 0n;
  let last;
  const state = read('state');
  if (state !== undefined) {
    let end = state.indexOf(NEWLINE);
    if (end === -1) end = state.length;
    const digits = end <= 19 ? String.fromCharCode(...state.subarray(0, end)) : '';
    if (DIGITS.test(digits)) {
      count = BigInt(digits);
      if (end < state.length) last = state.subarray(end + 1);
    }
  }

  // ROM input: counted when it changed and differs from the input counted last.
  if (changed.includes('input')) {
    const input = read('input');
    if (input !== undefined && (last === undefined || !equalBytes(last, input))) {
      count = BigInt.asUintN(64, count + 1n);
      last = input;
    }
  }

  const decimal = utf8(count.toString());
  submit('count', decimal);
  submit('state', last === undefined ? decimal : concatBytes(decimal, Uint8Array.of(NEWLINE), last));
}
