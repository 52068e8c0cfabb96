// kv-js: a key-value store driven by commands (the kv role of components/ROLES.md), a pure state
// machine written with romhost's JavaScript kit.
//
// The store lives in report `state`, routed back to this child's ROM `state`; ROM `command`
// holds one command. Commands are idempotent, so applying the current command again after a
// restart changes nothing. Keys and values are bytes (Uint8Array) throughout: a key compares
// bytewise, and neither need be UTF-8.
//
// ROM state     KEY NUL VALUE NUL ..., sorted by key (bytewise); empty or absent: empty store
// ROM command   "set KEY VALUE", "del KEY" or "clear"; anything else is ignored
// report state  as ROM state
// report view   the entries as one JSON object, sorted by key, no whitespace
// report size   the number of entries in decimal ASCII
import { byteString, compareBytes, concatBytes, equalBytes, read, submit, utf8 } from 'romhost';

const NUL = 0x00;
const SPACE = 0x20;
const SET = utf8('set ');
const DEL = utf8('del ');
const CLEAR = utf8('clear');
const QUOTE = utf8('"');
/** What JSON escapes, found in the byte string (one unit per byte) rather than byte by byte. */
const ESCAPED = /["\\\x00-\x1f]/g;

export function update() {
  const store = parseState(read('state') ?? new Uint8Array(0));
  const command = read('command');
  if (command !== undefined) apply(store, command);
  submit('state', concatBytes(...store.flatMap(([key, value]) => [key, Uint8Array.of(NUL), value, Uint8Array.of(NUL)])));
  submit('view', view(store));
  submit('size', String(store.length));
}

/** Entries sorted by key: [key, value] pairs. */
function parseState(state) {
  const store = [];
  let at = 0;
  for (;;) {
    const keyEnd = indexOf(state, NUL, at);
    const valueEnd = indexOf(state, NUL, keyEnd + 1);
    // Bytes after the last whole pair are ignored.
    if (valueEnd >= state.length) return store;
    set(store, state.subarray(at, keyEnd), state.subarray(keyEnd + 1, valueEnd));
    at = valueEnd + 1;
  }
}

/** Applies the command if it is valid: "set KEY VALUE", "del KEY" or "clear", with no NUL. */
function apply(store, command) {
  if (command.includes(NUL)) return;
  if (equalBytes(command, CLEAR)) {
    store.length = 0;
  } else if (startsWith(command, SET)) {
    const space = indexOf(command, SPACE, SET.length);
    if (space === SET.length || space === command.length) return;
    set(store, command.subarray(SET.length, space), command.subarray(space + 1));
  } else if (startsWith(command, DEL) && command.length > DEL.length) {
    const [found, at] = find(store, command.subarray(DEL.length));
    if (found) store.splice(at, 1);
  }
}

function set(store, key, value) {
  const [found, at] = find(store, key);
  store.splice(at, found ? 1 : 0, [key, value]);
}

/** Whether `key` is in the store, and its index or where it would go (binary search). */
function find(store, key) {
  let low = 0;
  let high = store.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const order = compareBytes(store[mid][0], key);
    if (order === 0) return [true, mid];
    if (order < 0) low = mid + 1;
    else high = mid;
  }
  return [false, low];
}

/** report view: {"KEY":"VALUE",...}, bytes at or above 0x20 as they are (UTF-8 passes through). */
function view(store) {
  const parts = [utf8('{')];
  store.forEach(([key, value], i) => parts.push(utf8(i === 0 ? '' : ','), jsonString(key), utf8(':'), jsonString(value)));
  parts.push(utf8('}'));
  return concatBytes(...parts);
}

/** `bytes` as a JSON string: `"` and `\` escaped, every byte below 0x20 as \u00XX. */
function jsonString(bytes) {
  const parts = [QUOTE];
  let from = 0;
  for (const match of byteString(bytes).matchAll(ESCAPED)) {
    const byte = match[0].charCodeAt(0);
    parts.push(bytes.subarray(from, match.index), utf8(byte < 0x20 ? `\\u00${byte.toString(16).padStart(2, '0')}` : `\\${match[0]}`));
    from = match.index + 1;
  }
  parts.push(bytes.subarray(from), QUOTE);
  return concatBytes(...parts);
}

function indexOf(bytes, byte, from) {
  const at = bytes.indexOf(byte, from);
  return at === -1 ? bytes.length : at;
}

function startsWith(bytes, prefix) {
  return bytes.length >= prefix.length && equalBytes(bytes.subarray(0, prefix.length), prefix);
}
