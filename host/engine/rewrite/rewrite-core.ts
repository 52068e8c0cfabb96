import type Binaryen from 'binaryen';
import { i64Const, loadBinaryen, type BinaryenApi } from './binaryen.js';
import { countCallDepth } from './call-depth.js';
import { expressionKinds } from './expression-kinds.js';
import { meterFuel } from './fuel.js';
import { freshGlobalName } from './functions.js';
import { capMemorySection, definesMemory } from './memory-cap.js';
import { flagFailedGrows } from './memory-grow.js';
import { importMemory } from './memory-import.js';
import { DEPTH_GLOBAL, FUEL_GLOBAL, GROW_FAILED_GLOBAL, RESET_EXPORT, START_EXPORT } from './names.js';
import { addReset } from './reset.js';
import { featureMask, readModule, validate } from './read-module.js';
import { refuse } from './rewrite-error.js';
import { exportNames, patchSections, SECTION } from './wasm-sections.js';

export interface RewriteOptions {
  /**
   * Inject fuel metering: an exported mutable i64 global `romhost_fuel`; every function entry,
   * loop head, branch target and large `if` arm subtracts the cost of the code it starts (about
   * one unit per instruction) and traps below zero. A `start` function becomes the export
   * `romhost_start`, for the host to call once the fuel is set.
   */
  readonly fuel: boolean;
  /**
   * Inject a call-depth counter: an exported mutable i32 global `romhost_depth`, raised on every
   * function entry by the call's weight (1, plus 1 for every 8 parameters and locals), lowered on
   * every exit; a call that would make it exceed this traps. Absent: no counter.
   */
  readonly maxCallDepth?: number;
  /**
   * Lower the maximum of every memory the module defines (not imported ones) to this many
   * 64 KiB pages, adding one where none is declared. A memory whose minimum exceeds it is refused.
   * When the module defines a memory, an exported mutable i32 global `romhost_grow_failed` is
   * set to 1 by every `memory.grow` that returns -1, for the host to tell a trap at the cap.
   */
  readonly maxMemoryPages?: number;
  /**
   * Turn the one memory the module defines (after the cap) into an import of `romhost` `memory`
   * with the same limits, for the host to give each instance a zeroed memory from a pool
   * (README.md, "Pooled memory"). A module with more memories, an imported one or imports other
   * than functions keeps its memory: `importedMemoryLimits` on the result tells which it was.
   */
  readonly importMemory?: boolean;
  /**
   * Add the export `romhost_reset`, which sets every mutable global the module defines back to its
   * initial value, when nothing else the module does outlives instantiation but its memory: no
   * segment read or dropped, no table changed, no start function left to run inside
   * instantiation. The host then reuses instances (README.md, "Reusable instances"); a module
   * without the export after the rewrite could not have it.
   */
  readonly resettable?: boolean;
}

/** Above this V8 refuses a memory anyway (4 GiB). */
const MAX_PAGES = 65536;

/**
 * A core module, rewritten per `options`, with the same meaning: same results, same traps, plus
 * the traps of exhausted fuel or depth. Refuses (RewriteError) a module that is invalid, uses a
 * feature it cannot meter, or needs more memory than the cap.
 */
export async function rewriteCore(bytes: Uint8Array, options: RewriteOptions): Promise<Uint8Array> {
  checkOptions(options);
  const cap = options.maxMemoryPages;
  const flagGrows = cap !== undefined && definesMemory(bytes);
  const instrumented = options.fuel || options.maxCallDepth !== undefined || flagGrows || options.resettable === true;
  let out = bytes;
  let startMoved = false;
  if (instrumented) {
    const b = await loadBinaryen();
    const module = readModule(b, bytes);
    try {
      startMoved = instrument(b, module, options, flagGrows);
      out = module.emitBinary();
    } finally {
      module.dispose();
    }
  } else {
    validate(bytes, (reason) => refuse('invalid-module', { reason }));
    const exported = new Set(exportNames(bytes));
    for (const name of reservedNames(options)) if (exported.has(name)) refuse('name-taken', { name });
  }
  if (cap !== undefined || startMoved) {
    out = patchSections(out, (id, payload) => {
      if (id === SECTION.memory && cap !== undefined) return capMemorySection(payload, cap);
      if (id === SECTION.start && startMoved) return null;
      return undefined;
    });
  }
  const imported = options.importMemory === true ? importMemory(out) : out;
  if (imported === bytes) return bytes.slice();
  if (instrumented || imported !== out) validate(imported, (reason) => refuse('internal', { reason }));
  return imported;
}

/** The exports the rewrite adds with these options: a module that has one already is refused. */
function reservedNames(options: RewriteOptions): string[] {
  const { fuel, maxCallDepth, maxMemoryPages } = options;
  const names = [
    fuel && FUEL_GLOBAL,
    fuel && START_EXPORT,
    maxCallDepth !== undefined && DEPTH_GLOBAL,
    maxMemoryPages !== undefined && GROW_FAILED_GLOBAL,
    options.resettable === true && RESET_EXPORT,
  ];
  return names.filter((name): name is string => typeof name === 'string');
}

/**
 * Applies the passes (`flagGrows`: record failed `memory.grow`s); says whether the start function
 * moved to START_EXPORT.
 */
function instrument(b: BinaryenApi, module: Binaryen.Module, options: RewriteOptions, flagGrows: boolean): boolean {
  for (const name of reservedNames(options)) if (module.getExport(name)) refuse('name-taken', { name });
  const kinds = expressionKinds(b, featureMask(b));
  // Fuel first: the bookkeeping added after it (depth, failed grows) is the host's, and costs the
  // guest nothing; it has no loops, so nothing runs unmetered.
  if (options.fuel) {
    meterFuel(b, module, kinds, exportedGlobal(module, FUEL_GLOBAL, b.i64, i64Const(module, 0n)));
  }
  if (options.maxCallDepth !== undefined) {
    const depth = exportedGlobal(module, DEPTH_GLOBAL, b.i32, module.i32.const(0));
    countCallDepth(b, module, kinds, depth, options.maxCallDepth);
  }
  if (flagGrows) {
    flagFailedGrows(b, module, kinds, exportedGlobal(module, GROW_FAILED_GLOBAL, b.i32, module.i32.const(0)));
  }
  const start = module.getStart();
  const startMoved = options.fuel && start !== 0;
  if (startMoved) module.addFunctionExport(b.Function.getName(start), START_EXPORT);
  // Last: the reset is the host's bookkeeping, and sets the counters the passes added too.
  if (options.resettable) addReset(b, module, kinds, !startMoved);
  return startMoved;
}

/** A fresh mutable global, exported as `name` only (the host's handle on it): its name inside. */
function exportedGlobal(module: Binaryen.Module, name: string, type: number, init: number): string {
  const global = freshGlobalName(module, name);
  module.addGlobal(global, type, true, init);
  module.addGlobalExport(global, name);
  return global;
}

function checkOptions(options: RewriteOptions): void {
  const { maxCallDepth: depth, maxMemoryPages: pages } = options;
  if (depth !== undefined && !(Number.isInteger(depth) && depth >= 1 && depth < 2 ** 31)) {
    refuse('bad-options', { detail: `maxCallDepth ${depth} is not an integer from 1 to 2^31 - 1` });
  }
  if (pages !== undefined && !(Number.isInteger(pages) && pages >= 0 && pages <= MAX_PAGES)) {
    refuse('bad-options', { detail: `maxMemoryPages ${pages} is not an integer from 0 to ${MAX_PAGES}` });
  }
}
