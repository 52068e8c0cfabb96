import type { Limits, RestartPolicy } from './types.js';

/**
 * The limits of a scenario that sets none: generous for a state machine, small for a runaway.
 * Fuel fits a JavaScript component (StarlingMonkey spends 10–50 million units on an update of the
 * counter) and stops an endless loop within a fraction of a second. The memory cap leaves room for
 * a JavaScript engine's heap too: under 64 MiB counter-js ran out every ~1,900 updates.
 */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  fuel: 100_000_000,
  memory_mib: 256,
  report_kib: 1024,
  reports_per_update: 64,
  updates_per_step: 1000,
  // Below V8's ~13,000 wasm memories per process (each reserves ~10 GiB of address space).
  max_warm: 10_000,
});

/** `base` with every field that `overrides` sets replaced: limits and restart policies alike. */
export function mergeOverrides<T extends { readonly [K in keyof T]: number }>(
  base: T,
  overrides: { readonly [K in keyof T]?: number | undefined } | undefined,
): T {
  const merged = { ...base } as { -readonly [K in keyof T]: number };
  for (const key of Object.keys(base) as (keyof T)[]) {
    const value = overrides?.[key];
    if (value !== undefined) merged[key] = value;
  }
  return merged as T;
}

/** A faulted child is restarted on the next step, at most 3 times within 100 steps. */
export const DEFAULT_RESTART: RestartPolicy = Object.freeze({ max: 3, within_steps: 100, backoff_steps: 1 });
