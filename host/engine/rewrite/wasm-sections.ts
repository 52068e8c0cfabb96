/**
 * The section layer of the WebAssembly binary format, just enough to patch a section in place:
 * binaryen's own setters would do it at a cost (its `setMemory` deletes the data segments).
 */

export const SECTION = { type: 1, import: 2, memory: 5, export: 7, start: 8 } as const;

/** Reads an unsigned LEB128 of up to 32 bits at `offset`: its value and the offset after it. */
export function readU32(bytes: Uint8Array, offset: number): [value: number, next: number] {
  let value = 0;
  for (let shift = 0, at = offset; shift < 35; shift += 7, at++) {
    const byte = bytes[at];
    if (byte === undefined) throw new RangeError(`LEB128 at ${offset} runs past the end`);
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, at + 1];
  }
  throw new RangeError(`LEB128 at ${offset} is longer than 5 bytes`);
}

export function writeU32(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

/**
 * The module with each section passed through `patch`: `undefined` keeps the section, `null`
 * drops it, bytes replace its payload. The 8-byte preamble is kept as it is.
 */
export function patchSections(
  bytes: Uint8Array,
  patch: (id: number, payload: Uint8Array) => Uint8Array | null | undefined,
): Uint8Array {
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  for (const { id, section, payload } of sections(bytes)) {
    const patched = patch(id, payload);
    if (patched === undefined) parts.push(section);
    else if (patched !== null) parts.push(Uint8Array.from([id, ...writeU32(patched.length)]), patched);
  }
  return concat(parts);
}

/** The payload of the first section `id`, or undefined when there is none. */
export function findSection(bytes: Uint8Array, id: number): Uint8Array | undefined {
  for (const section of sections(bytes)) if (section.id === id) return section.payload;
  return undefined;
}

/** The names the module exports (of a module V8 has validated: malformed bytes throw RangeError). */
export function exportNames(bytes: Uint8Array): string[] {
  const payload = findSection(bytes, SECTION.export);
  if (!payload) return [];
  let [count, at] = readU32(payload, 0);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    let length: number;
    [length, at] = readU32(payload, at);
    names.push(new TextDecoder().decode(payload.subarray(at, at + length)));
    [, at] = readU32(payload, at + length + 1); // the kind byte, then the index
  }
  return names;
}

export interface Section {
  readonly id: number;
  /** Its bytes from the id on. */
  readonly section: Uint8Array;
  readonly payload: Uint8Array;
}

/** Each section: its id, its bytes from the id on, and its payload. */
export function* sections(bytes: Uint8Array): Generator<Section> {
  let offset = 8;
  while (offset < bytes.length) {
    const id = bytes[offset]!;
    const [size, start] = readU32(bytes, offset + 1);
    const end = start + size;
    if (end > bytes.length) throw new RangeError(`section ${id} at ${offset} runs past the end`);
    yield { id, section: bytes.subarray(offset, end), payload: bytes.subarray(start, end) };
    offset = end;
  }
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
