import type { Observable } from 'rxjs';
import type { Engine } from './engine/index.js';
import type { LifecycleEvent, ShadowEvent } from './lifecycle/index.js';
import type { Scenario } from './scenario/index.js';
import type { Placement, ReportChange, SourceValue } from './sessions/index.js';
import type { Fault, HostState } from './state/index.js';

/** The host's public face (`createHost` in host.ts makes one): its options, events and methods. */

export interface HostOptions {
  /**
   * The engine that compiles and instantiates components. By default every host in the process
   * shares one, so a component is validated, rewritten and compiled once however many hosts run
   * it; pass your own for other options (`new Engine({ callPath: 'glue' })`) or to keep caches apart.
   */
  readonly engine?: Engine;
  /**
   * For checking the state-machine property (`romhost check`): asked before every update of a
   * child; `true` gives the child a fresh instance first, whose start update (every routed ROM)
   * takes the place of the update. Invisible to a pure component. Not a lifecycle event: the
   * host's state and `host/state` do not change.
   */
  readonly restartBeforeUpdate?: (child: string, step: number) => boolean;
  /**
   * Where a run left off (a durable store after a stop or a crash, a snapshot): the host starts at
   * `step`, and its sources hold `values`, so the children of the first `apply` start on them.
   * Nothing is routed or recomputed. The static children named in `down` were stopped or
   * hibernating: the first `apply` makes them so without starting them, so that a stopped child's
   * reports stay as it left them, whatever its ROMs hold now.
   */
  readonly resume?: {
    readonly step: number;
    readonly values: Iterable<readonly [string, Uint8Array]>;
    readonly down?: Readonly<Record<string, 'stopped' | 'hibernated'>>;
  };
  /**
   * Called at the end of every step, once everything the step did has been told on the host's
   * streams; the step's promise (what `publish`, `kill`, `apply`... return) resolves only once the
   * returned promise does. A durable store's flush goes here (host/store/durable.ts): an event is
   * acknowledged only when it is durable.
   */
  readonly durable?: (step: number) => Promise<void>;
  /**
   * For a host that is one of a cluster (host/cluster): who owns each child. The host runs only
   * the children it owns; the reports of the others come in through `receive`, and `place` tells
   * it of a change of owner.
   */
  readonly placement?: Placement;
}

/**
 * An event the host accepted and ran as a step, in order: what a journal records. Emitted when
 * the event has been applied and before the children's updates it causes run.
 */
export type HostEvent =
  | { readonly step: number; readonly kind: 'apply'; readonly scenario: Scenario; /** Component name → SHA-256 of what was loaded. */ readonly components: Readonly<Record<string, string>> }
  | { readonly step: number; readonly kind: 'publish'; /** `input/NAME` */ readonly source: string; readonly content: Uint8Array }
  | { readonly step: number; readonly kind: 'kill' | 'restart' | 'hibernate'; readonly child: string }
  | {
      readonly step: number;
      readonly kind: 'swap';
      readonly child: string;
      /** SHA-256 of the component swapped in. */
      readonly component: string;
      /** Its file, when it was given as one (absolute). */
      readonly path?: string;
    };

/** An event as it is asked for, before it has a step. */
export type Event<E = HostEvent> = E extends HostEvent ? Omit<E, 'step'> : never;

/** The events `Host.step` runs: those that load nothing. */
export type StepEvent = Event<Extract<HostEvent, { kind: 'publish' | 'kill' | 'restart' | 'hibernate' }>>;

/**
 * Hears a host's run as it happens (`Host.tap`): what `events$`, `reports$`, `faults$` and
 * `lifecycle$` say, in the same order, but called directly, with no object made per event or
 * report and nothing passed through RxJS: for a recorder, which hears every report of a long run.
 * Calls come synchronously from inside the step; a tap must not throw: the step it interrupts
 * would be left half done.
 */
export interface HostTap {
  /** An accepted event, as its step runs: once it has been applied, before the updates it causes. */
  event(step: number, event: Event): void;
  /** A report whose value changed: `source` is `CHILD/REPORT`; `content` is the host's own, not to be changed. */
  report(step: number, source: string, content: Uint8Array): void;
  fault(fault: Fault): void;
  lifecycle(event: LifecycleEvent): void;
}

/**
 * The host at a step boundary (`Host.snapshot`): all a pure system is. Restored by a fresh host
 * that resumes `values` at `step` and applies `scenario` with the same components
 * (host/snapshot, `romhost run --restore`).
 */
export interface HostSnapshot {
  readonly step: number;
  readonly scenario: Scenario;
  /** Component name, as the scenario names it → SHA-256 of what was loaded. */
  readonly components: Readonly<Record<string, string>>;
  /** The children by name as they are now: the component each runs (a swap shows here) and its status. */
  readonly children: HostState['children'];
  /** Every source with a value, sorted by source: inputs, reports and `host/state`. */
  readonly values: readonly (readonly [string, Uint8Array])[];
}

/** What one step did. */
export interface StepResult {
  readonly step: number;
  readonly faults: readonly Fault[];
}

/** A component to swap in: the path of its .wasm file, or its bytes. */
export type ComponentSource = string | Uint8Array;

export interface Host {
  /**
   * Applies a scenario: the first one starts every child; a later one is applied differentially
   * (new children start, removed ones stop, children whose component, routes, reports or limits
   * changed restart, changed config ROMs reach running children without a restart).
   * Every component is loaded first: a bad one leaves the host as it was.
   */
  apply(scenario: Scenario): Promise<StepResult>;
  /** Publishes `content` as the input ROM `input/NAME` and runs the step it causes. */
  publish(name: string, content: Uint8Array | string): Promise<StepResult>;
  /** Stops a child; its last reports stay, and it stays down until restarted. A subsystem (`office`): each of its children. */
  kill(child: string): Promise<StepResult>;
  /**
   * Drops a running child's instance; the next change of one of its ROMs wakes it with a fresh
   * one, started on them. Past `limits.max_warm` warm children, the least recently updated
   * hibernate by themselves. A subsystem (`office`): each of its running children.
   */
  hibernate(child: string): Promise<StepResult>;
  /** A fresh instance of the child's component on the same ROMs; lifts a quarantine. A subsystem (`office`): each of its children. */
  restart(child: string): Promise<StepResult>;
  /**
   * Runs an input (`{ kind: 'publish', source: 'input/NAME', content }`), kill, restart or
   * hibernate as the next step, at once, and returns what it did; throws what `publish`, `kill`...
   * would reject with, having taken no step. For a program that holds its events at hand, as a
   * replay does: no promise per step, and an input's `content` is kept as it is given, not copied
   * (do not change it afterwards). Only while no step is under way or queued, and on a host
   * without `durable`, whose steps end once they are durable (`step-not-now` otherwise).
   */
  step(event: StepEvent): StepResult;
  /**
   * Swaps the child's component atomically; if the new one fails to load or start, the old one keeps running and this rejects with why.
   * A subsystem (`office`) swaps to another scenario file: an `apply` of the parent with that one mounted there, so that
   * its children of the same name and routes keep running, and their reports stay.
   */
  swap(child: string, component: ComponentSource): Promise<StepResult>;
  /**
   * Shadow swap: runs `component` beside the child on the same ROMs and under its limits, from a
   * start update now and then every update the child runs; its reports are routed nowhere and
   * compared with the child's on `shadow$`. Replaces a shadow the child had. A candidate that fails
   * to load or start rejects (`shadow-failed`) and changes nothing. It takes no step and is no event
   * of the run: `step` in the result is the step it followed.
   */
  shadow(child: string, component: ComponentSource): Promise<StepResult>;
  /** Swaps the child to its shadow's component, exactly as `swap` does (a `swap` on `events$`), and drops the shadow. */
  promote(child: string): Promise<StepResult>;
  /** Drops the child's shadow. Like `shadow`, it takes no step. */
  unshadow(child: string): Promise<StepResult>;
  /**
   * In a cluster: the new value of a report of a child that another host runs, and the step it
   * causes here. Not an event of a journal: a cluster's record is its input stream (host/cluster).
   */
  receive(source: string, content: Uint8Array): Promise<StepResult>;
  /**
   * In a cluster: the owners of `children` changed (HostOptions.placement says who they are now),
   * in a step of its own. A static child now owned elsewhere stops and shows as `elsewhere`; one
   * owned here again starts on its ROMs; a family member owned elsewhere drops its instance.
   */
  place(children: readonly string[]): Promise<StepResult>;
  /** The reports of the child's shadow, latest value by report name; undefined when it has none. */
  shadowReports(child: string): ReadonlyMap<string, Uint8Array> | undefined;
  /**
   * Everything the host is, at the boundary after the steps accepted before this call (in its
   * turn, like `shadow`; it takes no step). Rejects with `no-scenario` before the first `apply`.
   */
  snapshot(): Promise<HostSnapshot>;
  /** The current value of a source: `CHILD/REPORT`, `input/NAME` or `host/state`. */
  read(source: string): Uint8Array | undefined;
  /** Every report's current value by `CHILD/REPORT`, sorted. */
  reports(): ReadonlyMap<string, Uint8Array>;
  /** A ROM session on a source (`CHILD/REPORT`, `input/NAME`, `host/state`): its current value, if any, then each new one. */
  rom$(source: string): Observable<Uint8Array>;
  /** The scenario last applied; undefined before the first `apply`. */
  readonly scenario: Scenario | undefined;
  readonly state: HostState;
  readonly state$: Observable<HostState>;
  readonly reports$: Observable<ReportChange>;
  /** Every source whose value changes, whatever changed it: inputs, reports and `host/state`. */
  readonly values$: Observable<SourceValue>;
  readonly faults$: Observable<Fault>;
  readonly lifecycle$: Observable<LifecycleEvent>;
  /** What the shadows do: started, each divergence from the live child and agreement again, a fault of the candidate, dropped. */
  readonly shadow$: Observable<ShadowEvent>;
  /** Every accepted event, as its step runs: scenario changes, inputs, kill, restart, hibernate, swap (a promote is a swap). */
  readonly events$: Observable<HostEvent>;
  /**
   * Hears the run through `tap` from now on, until the function returned is called: the streams'
   * events, reports, faults and lifecycle in their order, told directly (HostTap says how).
   */
  tap(tap: HostTap): () => void;
  readonly engine: Engine;
  close(): Promise<void>;
}
