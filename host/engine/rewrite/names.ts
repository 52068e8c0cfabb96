/** The exports a rewritten module gains: the host's handles on the injected counters. */

/** Mutable i64: the fuel left. The host sets it before each call; below zero after a trap = fuel exhausted. */
export const FUEL_GLOBAL = 'romhost_fuel';

/** Mutable i32: the call depth. The host sets it to 0 before each call; above the maximum after a trap = too deep. */
export const DEPTH_GLOBAL = 'romhost_depth';

/**
 * The module's start function, when fuel is metered: a `start` section would run during
 * instantiation, before the host could set the fuel, so it runs when the host calls this export.
 */
export const START_EXPORT = 'romhost_start';

/**
 * Mutable i32, when a memory cap applies to a memory the module defines: 0 until a `memory.grow`
 * returns -1, then 1. The host sets it to 0 before each call; 1 after a trap = the memory was at its cap.
 */
export const GROW_FAILED_GLOBAL = 'romhost_grow_failed';

/**
 * A function, when the rewrite is asked for a resettable module and the module allows it: sets every
 * mutable global the module defines back to its initial value, for the host to reuse the instance
 * (README.md, "Reusable instances").
 */
export const RESET_EXPORT = 'romhost_reset';
