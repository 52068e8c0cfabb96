import type { ErrorCode } from '../errors.js';
import type { CallPath } from '../engine/index.js';

/**
 * A child's status. `running` has an instance; `stopped` was killed and stays down until
 * restarted; `faulted` is waiting for the supervisor's restart; `quarantined` faulted past its
 * restart policy and stays down until restarted by hand or by a scenario change; `hibernated`
 * holds no instance and wakes (a fresh one, started on its ROMs) when one of its ROMs changes;
 * `elsewhere` runs on another host of a cluster (`ChildState.host` names it) and never here.
 */
export type ChildStatus = 'running' | 'stopped' | 'faulted' | 'quarantined' | 'hibernated' | 'elsewhere';

/** Something that went wrong in a step: a child's trap or bad report, or a cycle that never settled. */
export interface Fault {
  readonly step: number;
  /** The child at fault; absent for a fault of the whole step (a cycle). */
  readonly child?: string;
  readonly code: ErrorCode;
  readonly message: string;
}

export interface ChildState {
  readonly name: string;
  /** SHA-256 of the component it runs. */
  readonly component: string;
  readonly callPath: CallPath;
  readonly status: ChildStatus;
  /** Restarts since the child was created, by the supervisor or by hand. */
  readonly restarts: number;
  /** Steps of the supervisor's restarts inside the policy's window: the restart intensity. */
  readonly recentRestarts: readonly number[];
  /** The step at which a faulted child is due to be restarted. */
  readonly restartAt?: number;
  /** The last fault, kept after a restart. */
  readonly fault?: Fault;
  /** A candidate component running beside it (a shadow swap), if any. */
  readonly shadow?: ShadowState;
  /** The host of the cluster that runs it, while its status is `elsewhere`; empty when no host has claimed it yet. */
  readonly host?: string;
}

/**
 * A child's shadow: a candidate component that runs on the child's ROMs, its reports routed
 * nowhere and compared with the child's (docs/lifecycle.md, Shadow swap).
 */
export interface ShadowState {
  /** SHA-256 of the candidate. */
  readonly component: string;
  /** Divergences told since it started: each a report whose two values differ in a way they did not at the comparison before. */
  readonly divergences: number;
  /** The reports whose values differ now, in the order the scenario declares them. */
  readonly diverging: readonly string[];
}

/** What the last applied scenario changed, child by child. */
export interface Applied {
  readonly step: number;
  readonly file: string;
  readonly started: readonly string[];
  readonly stopped: readonly string[];
  readonly restarted: readonly string[];
  readonly reconfigured: readonly string[];
}

/**
 * A family of children (`room/*`): how many members it has and how many are warm. Its members
 * are not listed one by one (there may be millions): only one that faulted, was killed or was
 * restarted by hand appears in `HostState.children`, under its name (`room/42`), until it next
 * hibernates (docs/lifecycle.md, Families).
 */
export interface FamilyState {
  readonly name: string;
  /** SHA-256 of the component its members run. */
  readonly component: string;
  readonly callPath: CallPath;
  /** Members created so far (each by the first input that addressed it), hibernated or not. */
  readonly members: number;
  /** Members with an instance. */
  readonly warm: number;
}

/** The host as an immutable snapshot: a new object after every step that changed it. */
export interface HostState {
  /** Steps run so far: the host's only clock. */
  readonly step: number;
  /** This host's name in a cluster (HostOptions.placement); absent for a host on its own. */
  readonly host?: string;
  /** The scenario last applied, and what applying it did. */
  readonly applied?: Applied;
  /** By child name, in name order. */
  readonly children: Readonly<Record<string, ChildState>>;
  /** By family name (`room/*`), in name order; absent while the scenario has none. */
  readonly families?: Readonly<Record<string, FamilyState>>;
  /** The scenario's subsystems (`office`, `office/inner`), in name order; absent while it has none. Their children are in `children` by path (`office/layouter`). */
  readonly subsystems?: readonly string[];
}

export const EMPTY_STATE: HostState = { step: 0, children: {} };
