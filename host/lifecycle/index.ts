export { Child } from './child.js';
export type { Submitted } from './child.js';
export { Children } from './children.js';
export type { LifecycleAction, LifecycleEvent, StateCell } from './children.js';
export { Shadows } from './shadows.js';
export type { Shadow, ShadowDivergence, ShadowDropReason, ShadowEvent } from './shadows.js';
