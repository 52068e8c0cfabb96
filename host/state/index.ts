export { EMPTY_STATE } from './host-state.js';
export type { Applied, ChildState, ChildStatus, Fault, HostState } from './host-state.js';
export { stateReport } from './state-report.js';
export {
  childFaulted,
  childRemoved,
  childStarted,
  childStopped,
  dueRestarts,
  scenarioApplied,
  stepTaken,
} from './transitions.js';
