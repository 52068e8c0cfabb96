import type { ErrorCode } from '../errors.js';
import type { CallPath } from '../engine/index.js';

/** A child's status. `faulted` children are not updated until they are restarted. */
export type ChildStatus = 'running' | 'faulted';

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
  /** The fault that stopped it, while it is faulted. */
  readonly fault?: Fault;
}

/** The host as an immutable snapshot: a new object after every step that changed it. */
export interface HostState {
  /** Steps run so far: the host's only clock. */
  readonly step: number;
  /** The scenario's file, once one is applied. */
  readonly scenario?: string;
  /** By child name, in name order. */
  readonly children: Readonly<Record<string, ChildState>>;
}

export const EMPTY_STATE: HostState = { step: 0, children: {} };
