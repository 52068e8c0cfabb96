import type Binaryen from 'binaryen';
import { i64Const, loadBinaryen, type BinaryenApi } from './binaryen.js';
import { countCallDepth } from './call-depth.js';
import { expressionKinds } from './expression-kinds.js';
import { meterFuel } from './fuel.js';
import { freshGlobalName } from './functions.js';
import { capMemorySection } from './memory-cap.js';
import { DEPTH_GLOBAL, FUEL_GLOBAL, START_EXPORT } from './names.js';
import { featureMask, readModule, validate } from './read-module.js';
import { refuse } from './rewrite-error.js';
import { patchSections, SECTION } from './wasm-sections.js';

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
   */
  readonly maxMemoryPages?: number;
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
  const meter = options.fuel || options.maxCallDepth !== undefined;
  let out = bytes;
  let startMoved = false;
  if (meter) {
    const b = await loadBinaryen();
    const module = readModule(b, bytes);
    try {
      startMoved = instrument(b, module, options);
      out = module.emitBinary();
    } finally {
      module.dispose();
    }
  } else {
    validate(bytes, (reason) => refuse('invalid-module', { reason }));
  }
  const cap = options.maxMemoryPages;
  if (cap !== undefined || startMoved) {
    out = patchSections(out, (id, payload) => {
      if (id === SECTION.memory && cap !== undefined) return capMemorySection(payload, cap);
      if (id === SECTION.start && startMoved) return null;
      return undefined;
    });
  }
  if (out === bytes) return bytes.slice();
  if (meter) validate(out, (reason) => refuse('internal', { reason }));
  return out;
}

/** Applies the passes; says whether the start function moved to START_EXPORT. */
function instrument(b: BinaryenApi, module: Binaryen.Module, options: RewriteOptions): boolean {
  const reserved = [options.fuel && FUEL_GLOBAL, options.fuel && START_EXPORT, options.maxCallDepth !== undefined && DEPTH_GLOBAL];
  for (const name of reserved) if (name && module.getExport(name)) refuse('name-taken', { name });
  const kinds = expressionKinds(b, featureMask(b));
  // Fuel first: the depth bookkeeping added after it is the host's, and costs the guest nothing.
  if (options.fuel) {
    const fuel = freshGlobalName(module, FUEL_GLOBAL);
    module.addGlobal(fuel, b.i64, true, i64Const(module, 0n));
    module.addGlobalExport(fuel, FUEL_GLOBAL);
    meterFuel(b, module, kinds, fuel);
  }
  if (options.maxCallDepth !== undefined) {
    const depth = freshGlobalName(module, DEPTH_GLOBAL);
    module.addGlobal(depth, b.i32, true, module.i32.const(0));
    module.addGlobalExport(depth, DEPTH_GLOBAL);
    countCallDepth(b, module, kinds, depth, options.maxCallDepth);
  }
  const start = module.getStart();
  if (!options.fuel || !start) return false;
  module.addFunctionExport(b.Function.getName(start), START_EXPORT);
  return true;
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
