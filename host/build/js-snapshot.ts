/**
 * Pre-initialisation of a core module, as Wizer does it, in this process: instantiate the module,
 * run `_initialize` (if exported) and the init function, then write a module whose memory and
 * mutable globals start where the init left them. componentize-js runs Wizer as a program with
 * the machine's real clock and randomness, so its output differs on every build; here the init
 * sees only what its imports give it (js-wasi.ts: all fixed), and the snapshot is deterministic.
 *
 * What Wizer also assumes holds here: no imported memories, tables or globals, one 32-bit memory,
 * only active data segments, and an init that leaves tables alone.
 */
import { findSection, patchSections, readU32, writeU32 } from '../engine/rewrite/wasm-sections.js';

const SECTION = { import: 2, memory: 5, global: 6, export: 7, start: 8, data: 11, dataCount: 12 } as const;
const VALTYPE = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c } as const;
const OP = { i32Const: 0x41, i64Const: 0x42, f32Const: 0x43, f64Const: 0x44, globalGet: 0x23, refNull: 0xd0, refFunc: 0xd2, end: 0x0b } as const;
const EXPORT_GLOBAL = 3;
/** Zero runs shorter than this stay inside a data segment: a segment costs about as much. */
const MIN_GAP = 16;
/** As Wizer: engines limit the count (V8 to 100,000), and fewer segments instantiate faster. */
const MAX_SEGMENTS = 10_000;
const PAGE = 65_536;

export interface Initialized {
  /** The module as the init left it. */
  readonly snapshot: Uint8Array;
  /** The instance the init ran in, for checks after the snapshot was taken. */
  readonly instance: WebAssembly.Instance;
}

interface Global {
  readonly type: number;
  readonly mutable: boolean;
  /** Its whole entry: type, mutability, init expression. */
  readonly entry: Uint8Array;
}

/**
 * Runs `_initialize` and then `initFunc` of `module`, and returns the module as they left it,
 * without those two exports. `imports` gets the instance's memory before anything runs.
 */
export function initializeAndSnapshot(
  module: Uint8Array,
  initFunc: string,
  imports: (moduleImports: WebAssembly.ModuleImportDescriptor[]) => { imports: WebAssembly.Imports; bind: (memory: WebAssembly.Memory) => void },
): Initialized {
  if (hasImportedState(module)) throw new Error('the module imports a memory, table or global: it cannot be snapshotted');
  // A start function would run again in every instance of the snapshot.
  if (findSection(module, SECTION.start)) throw new Error('the module has a start function: it cannot be snapshotted');
  const globals = readGlobals(module);
  const exports = readExports(module);
  const globalName = (i: number) => `romhost:snapshot-global-${i}`;
  const instrumented = patchSections(module, (id) =>
    id === SECTION.export ? exportPayload([...exports, ...globals.map((_, i) => exportEntry(globalName(i), EXPORT_GLOBAL, i))]) : undefined,
  );

  const compiled = new WebAssembly.Module(instrumented as Uint8Array<ArrayBuffer>);
  const { imports: importObject, bind } = imports(WebAssembly.Module.imports(compiled));
  const instance = new WebAssembly.Instance(compiled, importObject);
  const memory = instance.exports['memory'];
  if (!(memory instanceof WebAssembly.Memory)) throw new Error('the module exports no memory named "memory"');
  bind(memory);
  for (const name of ['_initialize', initFunc]) {
    const run = instance.exports[name];
    if (typeof run === 'function') (run as () => void)();
    else if (name === initFunc) throw new Error(`the module exports no function ${initFunc}`);
  }

  const dropped = new Set(['_initialize', initFunc]);
  const values = globals.map((g, i) => (g.mutable ? (instance.exports[globalName(i)] as WebAssembly.Global).value : undefined));
  const bytes = new Uint8Array(memory.buffer);
  const segments = dataSegments(bytes);
  const snapshot = patchSections(module, (id, payload) => {
    switch (id) {
      case SECTION.memory:
        return memoryPayload(payload, bytes.length / PAGE);
      case SECTION.global:
        return concat([u32(globals.length), ...globals.map((g, i) => (g.mutable ? globalEntry(g.type, values[i]) : g.entry))]);
      case SECTION.export:
        return exportPayload(exports.filter((e) => !dropped.has(e.name)));
      case SECTION.dataCount:
        return u32(segments.length);
      case SECTION.data:
        return concat([u32(segments.length), ...segments.map(([start, end]) => concat([activeSegmentHeader(start, end - start), bytes.subarray(start, end)]))]);
      default:
        return undefined;
    }
  });
  return { snapshot, instance };
}

/** The non-zero ranges of memory as [start, end) pairs, at most MAX_SEGMENTS of them. */
export function dataSegments(memory: Uint8Array): [number, number][] {
  const runs: [number, number][] = [];
  let at = 0;
  for (;;) {
    while (at < memory.length && memory[at] === 0) at++;
    if (at === memory.length) break;
    const start = at;
    let end = at;
    while (at < memory.length) {
      if (memory[at] !== 0) end = ++at;
      else if (at - end >= MIN_GAP) break;
      else at++;
    }
    runs.push([start, end]);
  }
  if (runs.length <= MAX_SEGMENTS) return runs;
  // Close the smallest gaps (the earlier one first among equals) until few enough remain.
  const gaps = runs.slice(1).map((run, i) => ({ i, size: run[0] - runs[i]![1] }));
  gaps.sort((a, b) => a.size - b.size || a.i - b.i);
  const closed = new Set(gaps.slice(0, runs.length - MAX_SEGMENTS).map((g) => g.i));
  const merged: [number, number][] = [runs[0]!];
  runs.slice(1).forEach((run, i) => {
    if (closed.has(i)) merged[merged.length - 1]![1] = run[1];
    else merged.push(run);
  });
  return merged;
}

function hasImportedState(module: Uint8Array): boolean {
  const payload = findSection(module, SECTION.import);
  if (!payload) return false;
  let [count, at] = readU32(payload, 0);
  for (let i = 0; i < count; i++) {
    for (let name = 0; name < 2; name++) {
      const [length, next] = readU32(payload, at);
      at = next + length;
    }
    if (payload[at++] !== 0) return true; // 0: a function; anything else is state
    [, at] = readU32(payload, at);
  }
  return false;
}

function readGlobals(module: Uint8Array): Global[] {
  const payload = findSection(module, SECTION.global);
  if (!payload) return [];
  let [count, at] = readU32(payload, 0);
  const globals: Global[] = [];
  for (let i = 0; i < count; i++) {
    const start = at;
    const type = payload[at]!;
    const mutable = payload[at + 1] === 1;
    at = skipConstExpr(payload, at + 2);
    if (mutable && !Object.values(VALTYPE).includes(type as never)) throw new Error(`global ${i} is a mutable global of type 0x${type.toString(16)}, which cannot be snapshotted`);
    globals.push({ type, mutable, entry: payload.subarray(start, at) });
  }
  return globals;
}

/** The offset after the constant expression at `at` (one instruction and `end`). */
function skipConstExpr(bytes: Uint8Array, at: number): number {
  const op = bytes[at++];
  switch (op) {
    case OP.i32Const:
    case OP.i64Const:
    case OP.globalGet:
    case OP.refFunc:
      while (bytes[at++]! & 0x80);
      break;
    case OP.f32Const:
      at += 4;
      break;
    case OP.f64Const:
      at += 8;
      break;
    case OP.refNull:
      at += 1;
      break;
    default:
      throw new Error(`a global's initialiser uses opcode 0x${op?.toString(16)}, which this snapshot does not read`);
  }
  if (bytes[at] !== OP.end) throw new Error('a global\'s initialiser has more than one instruction');
  return at + 1;
}

interface ExportEntry {
  readonly name: string;
  readonly entry: Uint8Array;
}

function readExports(module: Uint8Array): ExportEntry[] {
  const payload = findSection(module, SECTION.export);
  if (!payload) return [];
  let [count, at] = readU32(payload, 0);
  const entries: ExportEntry[] = [];
  for (let i = 0; i < count; i++) {
    const start = at;
    const [length, nameAt] = readU32(payload, at);
    const name = new TextDecoder().decode(payload.subarray(nameAt, nameAt + length));
    [, at] = readU32(payload, nameAt + length + 1);
    entries.push({ name, entry: payload.subarray(start, at) });
  }
  return entries;
}

function exportEntry(name: string, kind: number, index: number): ExportEntry {
  const encoded = new TextEncoder().encode(name);
  return { name, entry: concat([u32(encoded.length), encoded, Uint8Array.of(kind), u32(index)]) };
}

function exportPayload(entries: readonly ExportEntry[]): Uint8Array {
  return concat([u32(entries.length), ...entries.map((e) => e.entry)]);
}

function memoryPayload(payload: Uint8Array, pages: number): Uint8Array {
  const [count, at] = readU32(payload, 0);
  const flags = payload[at]!;
  if (count !== 1 || flags > 1) throw new Error('the module must have one 32-bit, unshared memory');
  const [, maxAt] = readU32(payload, at + 1);
  return concat([u32(1), Uint8Array.of(flags), u32(pages), payload.subarray(maxAt)]);
}

function globalEntry(type: number, value: unknown): Uint8Array {
  switch (type) {
    case VALTYPE.i32:
      return Uint8Array.of(type, 1, OP.i32Const, ...signed(BigInt(value as number)), OP.end);
    case VALTYPE.i64:
      return Uint8Array.of(type, 1, OP.i64Const, ...signed(value as bigint), OP.end);
    case VALTYPE.f32:
      return Uint8Array.of(type, 1, OP.f32Const, ...new Uint8Array(Float32Array.of(value as number).buffer), OP.end);
    default:
      return Uint8Array.of(type, 1, OP.f64Const, ...new Uint8Array(Float64Array.of(value as number).buffer), OP.end);
  }
}

/** Flags 0 (active, memory 0), offset `i32.const start`, then the length. */
function activeSegmentHeader(start: number, length: number): Uint8Array {
  return Uint8Array.of(0, OP.i32Const, ...signed(BigInt(start | 0)), OP.end, ...writeU32(length));
}

/** Signed LEB128. */
function signed(value: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = Number(value & 0x7fn);
    value >>= 7n;
    const done = (value === 0n && (byte & 0x40) === 0) || (value === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function u32(value: number): Uint8Array {
  return Uint8Array.from(writeU32(value));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}
