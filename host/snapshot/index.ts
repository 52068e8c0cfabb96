/** Snapshots: a host's state at a step boundary in one file, and a host restored from one (docs/snapshot.md). */
export { SNAPSHOT_VERSION } from './format.js';
export type { Snapshot } from './format.js';
export { writeSnapshot } from './write-snapshot.js';
export type { WrittenSnapshot } from './write-snapshot.js';
export { readSnapshot } from './read-snapshot.js';
export { planRestore, restoreHost } from './restore-host.js';
export type { RestoreOptions, RestorePlan } from './restore-host.js';
export { storeSnapshot } from './store-snapshot.js';
