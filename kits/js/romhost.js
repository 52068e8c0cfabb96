// romhost's JavaScript kit: what a component imports as 'romhost'.
//
//   import { read, readText, submit } from 'romhost';
//   export function update(changed) { ... }
//
// The canonical ABI (wit/ABI.md) is componentize-js's business: its generated bindings lift
// `changed` into an array of strings, lower names and bytes, own the return area of `read` and
// free what the host allocated. What is left here is convenience over the two imports.
//
// Rules (docs/components/js.md): `update` is the only entry; read and submit only inside it (never
// at a module's top level, which runs once, at build time); keep nothing in module variables
// between updates: what must outlive an update goes into a report routed back to the child.
import { read as readRom } from 'romhost:component/rom@0.1.0';
import { submit as submitReport } from 'romhost:component/report@0.1.0';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
// x-user-defined decodes each byte to one UTF-16 unit (0x00-0x7F as themselves, 0x80-0xFF as
// U+F780-U+F7FF), in native code: the strings compare as the bytes do, in order. StarlingMonkey
// interprets JavaScript, and a loop over bytes costs about 12,000 metered instructions a byte.
const bytewise = new TextDecoder('x-user-defined');

/** The bytes of ROM `name` (a Uint8Array), or undefined when it has no route or no value yet. */
export function read(name) {
  return readRom(name);
}

/** ROM `name` decoded as UTF-8 (invalid bytes become U+FFFD), or undefined. */
export function readText(name) {
  const bytes = readRom(name);
  return bytes === undefined ? undefined : decoder.decode(bytes);
}

/** Submits report `name`: a Uint8Array as it is, a string as UTF-8. The host copies it. */
export function submit(name, content) {
  submitReport(name, typeof content === 'string' ? encoder.encode(content) : content);
}

/** A string as UTF-8 bytes. */
export function utf8(text) {
  return encoder.encode(text);
}

/** UTF-8 bytes as a string (invalid bytes become U+FFFD). */
export function text(bytes) {
  return decoder.decode(bytes);
}

/**
 * The bytes as a string of one UTF-16 unit per byte, in the same order: string comparison,
 * `indexOf`, regular expressions and Map keys then work on bytes at native speed, and an index
 * into the string is an index into the bytes.
 */
export function byteString(bytes) {
  return bytewise.decode(bytes);
}

/** Whether two byte arrays hold the same bytes. */
export function equalBytes(a, b) {
  return a.length === b.length && bytewise.decode(a) === bytewise.decode(b);
}

/** The byte arrays one after another, in one new Uint8Array. */
export function concatBytes(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Compares two byte arrays bytewise (as ROLES.md sorts keys): negative, zero or positive. */
export function compareBytes(a, b) {
  const x = bytewise.decode(a);
  const y = bytewise.decode(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
