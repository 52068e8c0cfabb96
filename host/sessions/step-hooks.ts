import type { Child } from '../lifecycle/index.js';
import type { Fault } from '../state/index.js';

/*
 * What the router's step loop tells and asks of the rest of the host (router.ts): the lifecycle,
 * the shadows, the taps, a cluster's placement, and what it hands out (readers, report changes).
 */

/** What a child reads through: its local ROM names, resolved by the router. */
export interface RomReader {
  read(name: string): Uint8Array | undefined;
  /** What a (re)started child's first update lists: every routed ROM that has a value, in route order. */
  startNames(): string[];
}

/** A report whose value changed. */
export interface ReportChange {
  readonly step: number;
  readonly child: string;
  readonly report: string;
  /** `CHILD/REPORT`: the name other children route it by. */
  readonly source: string;
  readonly content: Uint8Array;
}

/** A source's new value. */
export interface SourceValue {
  /** `CHILD/REPORT`, `input/NAME` or `host/state`. */
  readonly source: string;
  readonly content: Uint8Array;
}

/**
 * What the step loop asks of the shadows (host/lifecycle/shadows.ts): candidates that run beside
 * live children on the same ROMs, their reports kept apart and compared.
 */
export interface ShadowHook {
  /** Whether any child has a shadow: when none has, the step loop asks nothing more. */
  readonly active: boolean;
  /**
   * After `child`'s update with `changed`, before its reports are routed: its shadow, if it has
   * one, runs the same update on the same ROM values. False when there was none to run.
   */
  update(step: number, child: string, changed: string[]): boolean;
  /** After the child's reports are routed: the shadow's reports are compared with them. */
  compare(step: number, child: string): void;
}

/** What the step loop tells the lifecycle (host/lifecycle/children.ts) of the children's activity. */
export interface ActivityHook {
  /** A hibernating child is about to wake: a fresh instance, started on its ROMs. */
  woken(child: Child, step: number): void;
  /** Whether a family member exists (created, and its family still there): a report's pattern reaches only members that do. */
  registered(member: string): boolean;
  /**
   * A member queued by a change of its ROMs that has no Child (never created, or hibernated,
   * which keeps none): its Child, not started yet, the lifecycle having recorded its creation or
   * waking; undefined when it can be neither (its family is gone). `known`: it exists for sure
   * (its values were packed in this step), no need to look its key up.
   */
  member(name: string, step: number, known: boolean): Child | undefined;
}

/**
 * What hears each report change and fault as it happens, called directly: the host's taps
 * (`Host.tap`), for which no object is made per report and nothing goes through RxJS.
 */
export interface StepTap {
  report(step: number, source: string, content: Uint8Array): void;
  fault(fault: Fault): void;
}

/**
 * Where children run, for a host that is one of a cluster (host/cluster): each child is owned by
 * one host at a time. A child owned by another host, or by none yet, is never created, started,
 * woken or updated here; its reports reach this host from outside (`Host.receive`).
 */
export interface Placement {
  /** This host's name in the cluster. */
  readonly host: string;
  /** The host that owns `child` now; '' while none does. */
  owner(child: string): string;
}
