export { EMPTY_STATE } from './host-state.js';
export type { Applied, ChildState, ChildStatus, FamilyState, Fault, HostState, ShadowState } from './host-state.js';
export { showsSame, stateReport, stateReporter } from './state-report.js';
export {
  childFaulted,
  childHibernated,
  childPlaced,
  childRemoved,
  childStarted,
  childStopped,
  dueRestarts,
  familyChanged,
  scenarioApplied,
  shadowChanged,
  stepTaken,
} from './transitions.js';
