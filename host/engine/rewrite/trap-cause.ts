import { DEPTH_GLOBAL, FUEL_GLOBAL } from './names.js';
import type { RewriteOptions } from './rewrite-core.js';

/** Why a rewritten module trapped, when the rewrite's own checks made it trap. */
export type TrapCause = 'fuel' | 'depth';

/**
 * Arms the counters before a call into a rewritten instance: fuel to `budget`, depth to 0.
 * Only before the outermost call: a call the guest makes back into itself through the host
 * (`read` → `cabi_realloc`) runs on the same budget.
 */
export function resetCounters(exports: WebAssembly.Exports, budget: bigint): void {
  const fuel = counter(exports, FUEL_GLOBAL);
  if (fuel) fuel.value = budget;
  const depth = counter(exports, DEPTH_GLOBAL);
  if (depth) depth.value = 0;
}

/** The fuel left after a call (negative after the fuel trap), or undefined when not metered. */
export function fuelLeft(exports: WebAssembly.Exports): bigint | undefined {
  return counter(exports, FUEL_GLOBAL)?.value as bigint | undefined;
}

/**
 * After a trap: `fuel` when the fuel ran out, `depth` when the call depth exceeded
 * `options.maxCallDepth`, undefined for a trap of the guest's own.
 */
export function trapCause(exports: WebAssembly.Exports, options: Pick<RewriteOptions, 'maxCallDepth'>): TrapCause | undefined {
  const fuel = counter(exports, FUEL_GLOBAL);
  if (fuel && (fuel.value as bigint) < 0n) return 'fuel';
  const depth = counter(exports, DEPTH_GLOBAL);
  const max = options.maxCallDepth;
  if (depth && max !== undefined && (depth.value as number) >>> 0 > max) return 'depth';
  return undefined;
}

function counter(exports: WebAssembly.Exports, name: string): WebAssembly.Global | undefined {
  const value = exports[name];
  return value instanceof WebAssembly.Global ? value : undefined;
}
