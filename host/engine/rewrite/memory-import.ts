import { concat, readU32, SECTION, sections as sectionsOf, writeU32, type Section } from './wasm-sections.js';

/** Where a rewritten module imports the memory it used to define (README.md, "Pooled memory"). */
export const MEMORY_IMPORT = { module: 'romhost', name: 'memory' } as const;

/** The limits of a memory the host must give: in 64 KiB pages. */
export interface MemoryLimits {
  readonly initial: number;
  readonly maximum: number;
}

const HAS_MAX = 0x01;
const KIND_FUNCTION = 0x00;
const KIND_MEMORY = 0x02;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The payloads of the sections this needs, once, or undefined when the module is not one it can
 * change: it must define exactly one memory, unshared, 32-bit, with a maximum (the cap gives it
 * one), and import nothing but functions, so that the memory keeps index 0 and nothing else moves.
 */
function convertible(sections: readonly Section[]): { memory: Uint8Array; imports: Uint8Array | undefined } | undefined {
  const memory = sections.find((s) => s.id === SECTION.memory)?.payload;
  if (!memory) return undefined;
  const [count, at] = readU32(memory, 0);
  if (count !== 1 || memory[at] !== HAS_MAX) return undefined;
  const imports = sections.find((s) => s.id === SECTION.import)?.payload;
  if (imports && readImports(imports) === undefined) return undefined;
  return { memory, imports };
}

/**
 * The module with the one memory it defines turned into an import of `MEMORY_IMPORT` with the same
 * limits, so that the host can hand each instance a zeroed memory from a pool instead of V8
 * allocating one per instance (README.md, "Pooled memory"). Active data segments still land in it
 * at instantiation. A module it cannot change this way (see `convertible`) comes back as it is.
 */
export function importMemory(bytes: Uint8Array): Uint8Array {
  const sections = [...sectionsOf(bytes)];
  const found = convertible(sections);
  if (!found) return bytes;
  // The memory section's one entry, after its count, is exactly an import's memory type.
  const memoryType = found.memory.subarray(readU32(found.memory, 0)[1]);
  const name = (text: string) => {
    const b = encoder.encode(text);
    return [...writeU32(b.length), ...b];
  };
  const entry = [...name(MEMORY_IMPORT.module), ...name(MEMORY_IMPORT.name), KIND_MEMORY, ...memoryType];
  const old = found.imports ?? Uint8Array.of(0);
  const [count, at] = readU32(old, 0);
  const imports = Uint8Array.from([...writeU32(count + 1), ...old.subarray(at), ...entry]);
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  const importSection = Uint8Array.from([SECTION.import, ...writeU32(imports.length), ...imports]);
  let placed = false;
  for (const s of sections) {
    // Known sections come in id order (custom ones anywhere): a new import section goes before the first one past it.
    if (!placed && s.id !== 0 && s.id !== SECTION.type && s.id !== SECTION.import) {
      parts.push(importSection);
      placed = true;
    }
    if (s.id === SECTION.import) {
      parts.push(importSection);
      placed = true;
    } else if (s.id !== SECTION.memory) {
      parts.push(s.section);
    }
  }
  if (!placed) parts.push(importSection);
  return concat(parts);
}

/** The limits of the memory a module imports as `MEMORY_IMPORT`, or undefined when it imports none. */
export function importedMemoryLimits(bytes: Uint8Array): MemoryLimits | undefined {
  for (const s of sectionsOf(bytes)) {
    if (s.id === SECTION.import) return readImports(s.payload)?.memory;
  }
  return undefined;
}

/**
 * An import section that holds functions and at most `MEMORY_IMPORT` (with a maximum), or
 * undefined for any other: what `importMemory` leaves and what it starts from.
 */
function readImports(payload: Uint8Array): { memory: MemoryLimits | undefined } | undefined {
  let [count, at] = readU32(payload, 0);
  let memory: MemoryLimits | undefined;
  for (let i = 0; i < count; i++) {
    const names: string[] = [];
    for (let n = 0; n < 2; n++) {
      let length: number;
      [length, at] = readU32(payload, at);
      names.push(decoder.decode(payload.subarray(at, at + length)));
      at += length;
    }
    const kind = payload[at++];
    if (kind === KIND_FUNCTION) {
      [, at] = readU32(payload, at);
    } else if (kind === KIND_MEMORY && names[0] === MEMORY_IMPORT.module && names[1] === MEMORY_IMPORT.name && payload[at] === HAS_MAX) {
      let initial: number, maximum: number;
      [initial, at] = readU32(payload, at + 1);
      [maximum, at] = readU32(payload, at);
      memory = { initial, maximum };
    } else {
      return undefined;
    }
  }
  return { memory };
}
