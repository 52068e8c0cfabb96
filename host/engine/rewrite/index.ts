/**
 * Fuel, call depth and memory caps by rewriting core modules before they are compiled (README.md).
 */
export { rewriteCore } from './rewrite-core.js';
export type { RewriteOptions } from './rewrite-core.js';
export { DEPTH_GLOBAL, FUEL_GLOBAL, GROW_FAILED_GLOBAL, RESET_EXPORT, START_EXPORT } from './names.js';
export { Counters, fuelLeft, resetCounters, trapCause } from './counters.js';
export type { TrapCause } from './counters.js';
export { importedMemoryLimits, MEMORY_IMPORT } from './memory-import.js';
export type { MemoryLimits } from './memory-import.js';
export { RewriteError } from './rewrite-error.js';
export type { RewriteErrorCode } from './rewrite-error.js';
export { METERED_FEATURES } from './read-module.js';
