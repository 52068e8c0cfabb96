/**
 * Fuel, call depth and memory caps by rewriting core modules before they are compiled (README.md).
 */
export { rewriteCore } from './rewrite-core.js';
export type { RewriteOptions } from './rewrite-core.js';
export { DEPTH_GLOBAL, FUEL_GLOBAL, START_EXPORT } from './names.js';
export { fuelLeft, resetCounters, trapCause } from './trap-cause.js';
export type { TrapCause } from './trap-cause.js';
export { RewriteError } from './rewrite-error.js';
export type { RewriteErrorCode } from './rewrite-error.js';
export { METERED_FEATURES } from './read-module.js';
