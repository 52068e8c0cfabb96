/**
 * romhost's public API: every export by name. The CLI and the inspector use this and nothing else.
 */
export { createHost } from './host.js';
export type { ComponentSource, Host, HostEvent, HostOptions, HostSnapshot, HostTap, StepEvent, StepResult } from './host.js';

export { Engine } from './engine/index.js';
export type { CallPath, ChildImports, Component, ComponentInstance, CoreModuleInfo, EngineOptions, EngineStats } from './engine/index.js';

export { DEFAULT_LIMITS, DEFAULT_RESTART, formatSource, loadScenario, parseScenario, scenarioJsonSchema } from './scenario/index.js';
export type { ChildSpec, ComponentRef, Limits, RestartPolicy, RomSource, Scenario, SubsystemSpec, SubsystemTexts } from './scenario/index.js';

export {
  buildComponent,
  buildComponents,
  findComponentDirs,
  LANGUAGES,
  MANIFEST_FILE,
  readManifest,
  scaffoldComponent,
  scaffoldLanguages,
  SMOKE_SCENARIO,
} from './build/index.js';
export type { BuildOptions, BuildResult, Language, Manifest, Scaffolded } from './build/index.js';

export type { Placement, ReportChange, SourceValue } from './sessions/index.js';
export type { Applied, ChildState, ChildStatus, Fault, HostState, ShadowState } from './state/index.js';
export type { LifecycleAction, LifecycleEvent, ShadowDivergence, ShadowDropReason, ShadowEvent } from './lifecycle/index.js';

export { isRomhostError, RomhostError } from './errors.js';
export type { ErrorCode } from './errors.js';

export { startInspector } from './inspector/index.js';
export type { Inspector, InspectorOptions } from './inspector/index.js';

export { assertReplays, describeDivergence, JOURNAL_VERSION, parseJournal, readJournal, recordJournal, replay as replayJournal } from './journal/index.js';
export type { Divergence, Journal, JournalEntry, JournalStep, JournalWriter, ReplayOptions, ReplayResult } from './journal/index.js';
export { checkStateMachine, describeCheckRun, recordRun } from './journal/index.js';
export type { CheckOptions, CheckProgress, CheckResult, CheckRun, RecordRunOptions, RestartPoint } from './journal/index.js';
export { bisect, journalInputs } from './journal/index.js';
export type { BisectDivergence, BisectInput, BisectOptions, BisectProgress, BisectResult, Reproduction, Sides } from './journal/index.js';

export { defaultStoreDir, LmdbStore, MemoryStore, NatsStore, openDurableHost, openStore } from './store/index.js';
export type { DurableHost, DurableOptions, Resumed, Store, StoreBatch, StoredChild } from './store/index.js';

export { joinCluster } from './cluster/index.js';
export type { ClusterEvent, ClusterHost, ClusterOptions } from './cluster/index.js';

export { inspectPackage, packScenario, readPackage } from './package/index.js';
export type { PackageInfo, PackageManifest, Packed, ReadPackage } from './package/index.js';

export { planRestore, readSnapshot, restoreHost, SNAPSHOT_VERSION, storeSnapshot, writeSnapshot } from './snapshot/index.js';
export type { RestoreOptions, RestorePlan, Snapshot, WrittenSnapshot } from './snapshot/index.js';
