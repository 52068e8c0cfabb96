/**
 * {{name}}: counts the changes of ROM `input`, a pure state machine (components/ROLES.md,
 * role counter). It keeps nothing between updates: the count and the input counted last go out
 * as report `state`, routed back to ROM `state`, so a restart re-submits the same bytes.
 */
import { read, submit, submitText } from "romhost";

const NEWLINE: u8 = 0x0a;

export function update(changed: string[]): void {
  // ROM state: "COUNT" or "COUNT\nLAST"; absent or unreadable: nothing counted yet.
  let count: u64 = 0;
  let last: Uint8Array | null = null;
  const state = read("state");
  if (state != null) {
    const digits = state.indexOf(NEWLINE);
    const end = digits < 0 ? state.length : digits;
    const decimal = state.subarray(0, end);
    if (isDecimal(decimal)) {
      count = parseDecimal(decimal);
      if (digits >= 0) last = state.subarray(end + 1);
    }
  }

  // ROM input: counted when it changed and differs from the input counted last.
  if (changed.includes("input")) {
    const input = read("input");
    if (input != null && (last == null || !sameBytes(last, input))) {
      count++;
      last = input;
    }
  }

  const digits = count.toString();
  submitText("count", digits);
  let report = Uint8Array.wrap(String.UTF8.encode(digits));
  if (last != null) {
    const counted = last;
    const withLast = new Uint8Array(report.length + 1 + counted.length);
    withLast.set(report);
    withLast[report.length] = NEWLINE;
    withLast.set(counted, report.length + 1);
    report = withLast;
  }
  submit("state", report);
}

/** Whether the bytes are 1 to 19 decimal digits (so that they fit in a u64). */
function isDecimal(bytes: Uint8Array): bool {
  if (bytes.length == 0 || bytes.length > 19) return false;
  for (let i = 0; i < bytes.length; i++) if (<u32>bytes[i] - 0x30 > 9) return false;
  return true;
}

function parseDecimal(bytes: Uint8Array): u64 {
  let value: u64 = 0;
  for (let i = 0; i < bytes.length; i++) value = value * 10 + (<u64>bytes[i] - 0x30);
  return value;
}

function sameBytes(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}
