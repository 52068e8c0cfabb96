import type { Limits, RestartPolicy } from './types.js';

/** The limits of a scenario that sets none: generous for a state machine, small for a runaway. */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  fuel: 10_000_000,
  memory_mib: 64,
  report_kib: 1024,
  reports_per_update: 64,
  updates_per_step: 1000,
});

/** Limits as the file gives them: any subset. */
export type LimitOverrides = { readonly [K in keyof Limits]?: number | undefined };

/** `base` with every limit that `overrides` sets replaced. */
export function mergeLimits(base: Limits, overrides: LimitOverrides | undefined): Limits {
  return {
    fuel: overrides?.fuel ?? base.fuel,
    memory_mib: overrides?.memory_mib ?? base.memory_mib,
    report_kib: overrides?.report_kib ?? base.report_kib,
    reports_per_update: overrides?.reports_per_update ?? base.reports_per_update,
    updates_per_step: overrides?.updates_per_step ?? base.updates_per_step,
  };
}

/** A faulted child is restarted on the next step, at most 3 times within 100 steps. */
export const DEFAULT_RESTART: RestartPolicy = Object.freeze({ max: 3, within_steps: 100, backoff_steps: 1 });

export type RestartOverrides = { readonly [K in keyof RestartPolicy]?: number | undefined };

export function mergeRestart(base: RestartPolicy, overrides: RestartOverrides | undefined): RestartPolicy {
  return {
    max: overrides?.max ?? base.max,
    within_steps: overrides?.within_steps ?? base.within_steps,
    backoff_steps: overrides?.backoff_steps ?? base.backoff_steps,
  };
}
