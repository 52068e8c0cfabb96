export { EMPTY_STATE } from './host-state.js';
export type { ChildState, ChildStatus, Fault, HostState } from './host-state.js';
export { childFaulted, compare, scenarioApplied, stepTaken } from './transitions.js';
