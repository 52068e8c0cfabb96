/**
 * kv-as: a key-value store driven by the commands in ROM `command` (components/ROLES.md, role
 * kv). The store lives in report `state`, routed back to ROM `state`; commands are idempotent,
 * so re-applying the current one after a restart changes nothing. Everything is bytes: keys sort
 * bytewise and nothing is decoded, so any UTF-8 (or none) passes through as it came.
 */
import { read, submit, submitText } from "romhost";

const NUL: u8 = 0x00;
const SPACE: u8 = 0x20;

class Entry {
  constructor(public key: Uint8Array, public value: Uint8Array) {}
}

export function update(changed: string[]): void {
  const entries = parseState(read("state"));
  const command = read("command");
  if (command != null) apply(entries, command);

  const state = new Writer();
  for (let i = 0; i < entries.length; i++) {
    state.bytes(entries[i].key);
    state.byte(NUL);
    state.bytes(entries[i].value);
    state.byte(NUL);
  }
  submit("state", state.done());

  const view = new Writer();
  view.byte(0x7b); // {
  for (let i = 0; i < entries.length; i++) {
    if (i > 0) view.byte(0x2c); // ,
    view.jsonString(entries[i].key);
    view.byte(0x3a); // :
    view.jsonString(entries[i].value);
  }
  view.byte(0x7d); // }
  submit("view", view.done());

  submitText("size", entries.length.toString());
}

/** KEY NUL VALUE NUL, repeated; absent or empty is the empty store. A trailing odd field is dropped. */
function parseState(state: Uint8Array | null): Entry[] {
  const entries = new Array<Entry>(0);
  if (state == null) return entries;
  let start = 0;
  let key: Uint8Array | null = null;
  for (let i = 0; i < state.length; i++) {
    if (state[i] != NUL) continue;
    const field = state.subarray(start, i);
    start = i + 1;
    if (key == null) key = field;
    else {
      put(entries, key, field);
      key = null;
    }
  }
  return entries;
}

/** Applies `set KEY VALUE`, `del KEY` or `clear`; anything else (or any NUL byte) is ignored. */
function apply(entries: Entry[], command: Uint8Array): void {
  if (command.includes(NUL)) return;
  if (startsWith(command, "set ")) {
    const rest = command.subarray(4);
    const space = rest.indexOf(SPACE);
    if (space <= 0) return; // no separator, or an empty key
    put(entries, rest.subarray(0, space), rest.subarray(space + 1));
  } else if (startsWith(command, "del ")) {
    const key = command.subarray(4);
    if (key.length == 0) return;
    const at = find(entries, key);
    if (at >= 0) entries.splice(at, 1);
  } else if (command.length == 5 && startsWith(command, "clear")) {
    entries.length = 0;
  }
}

/** Sets `key` to `value`, keeping the entries sorted by key. */
function put(entries: Entry[], key: Uint8Array, value: Uint8Array): void {
  let at = 0;
  while (at < entries.length && compare(entries[at].key, key) < 0) at++;
  if (at < entries.length && compare(entries[at].key, key) == 0) entries[at].value = value;
  else {
    const entry = new Entry(key, value);
    entries.push(entry);
    for (let i = entries.length - 1; i > at; i--) entries[i] = entries[i - 1];
    entries[at] = entry;
  }
}

function find(entries: Entry[], key: Uint8Array): i32 {
  for (let i = 0; i < entries.length; i++) if (compare(entries[i].key, key) == 0) return i;
  return -1;
}

/** Bytewise order; a prefix sorts first. */
function compare(a: Uint8Array, b: Uint8Array): i32 {
  const n = min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] != b[i]) return <i32>a[i] - <i32>b[i];
  return a.length - b.length;
}

function startsWith(bytes: Uint8Array, ascii: string): bool {
  if (bytes.length < ascii.length) return false;
  for (let i = 0; i < ascii.length; i++) if (<i32>bytes[i] != ascii.charCodeAt(i)) return false;
  return true;
}

/** A growing byte string. */
class Writer {
  private buffer: Uint8Array = new Uint8Array(64);
  private length: i32 = 0;

  byte(b: u8): void {
    if (this.length == this.buffer.length) this.grow(1);
    this.buffer[this.length++] = b;
  }

  bytes(b: Uint8Array): void {
    if (this.length + b.length > this.buffer.length) this.grow(b.length);
    this.buffer.set(b, this.length);
    this.length += b.length;
  }

  /** `"…"` with `"` and `\` escaped and every byte below 0x20 as \u00XX (lowercase hex). */
  jsonString(b: Uint8Array): void {
    this.byte(0x22);
    for (let i = 0; i < b.length; i++) {
      const c = b[i];
      if (c == 0x22 || c == 0x5c) {
        this.byte(0x5c);
        this.byte(c);
      } else if (c < 0x20) {
        this.bytes(ESCAPE_PREFIX);
        this.byte(HEX[c >> 4]);
        this.byte(HEX[c & 15]);
      } else {
        this.byte(c);
      }
    }
    this.byte(0x22);
  }

  done(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  private grow(more: i32): void {
    const bigger = new Uint8Array(max(this.buffer.length * 2, this.length + more));
    bigger.set(this.buffer.subarray(0, this.length));
    this.buffer = bigger;
  }
}

const ESCAPE_PREFIX = Uint8Array.wrap(String.UTF8.encode("\\u00"));
const HEX = Uint8Array.wrap(String.UTF8.encode("0123456789abcdef"));
