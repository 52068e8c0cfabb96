import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import { compareCodeUnits } from './code-unit-order.js';
import { displayPath } from './display-path.js';
import { Engine, type Component } from './engine/index.js';
import { fail, RomhostError } from './errors.js';
import { Children, type LifecycleEvent, type ShadowEvent } from './lifecycle/index.js';
import { childChanges, familyOf, isSource, parseSource, replaceSubsystem, type PlacedChild, type Scenario } from './scenario/index.js';
import { Router, routeTable, type Placement, type ReportChange, type SourceValue } from './sessions/index.js';
import { EMPTY_STATE, scenarioApplied, stateReport, stepTaken, type Fault, type HostState } from './state/index.js';

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
   * Where a run left off (a durable store after a stop or a crash): the host starts at `step`, and
   * its sources hold `values`, so the children of the first `apply` start on them. Nothing is
   * routed or recomputed.
   */
  readonly resume?: { readonly step: number; readonly values: Iterable<readonly [string, Uint8Array]> };
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

type Event<E = HostEvent> = E extends HostEvent ? Omit<E, 'step'> : never;

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
  readonly engine: Engine;
  close(): Promise<void>;
}

const INPUT_NAME = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const encoder = new TextEncoder();

let sharedEngine: Engine | undefined;

export function createHost(options: HostOptions = {}): Host {
  const host = new RomHost(options.engine ?? (sharedEngine ??= new Engine({ cache: 'default' })), options.restartBeforeUpdate, options.durable, options.placement);
  if (options.resume) host.resume(options.resume);
  return host;
}

/** A step that is no event of the run (a cluster's `receive` and `place`): nothing on `events$`, so no journal entry. */
const UNRECORDED = 'unrecorded';

/**
 * An accepted event: `run` applies it at the start of its step. Throwing leaves the host as it was, and takes no step.
 * A `null` event runs between steps, in its turn, and takes none: a shadow's start and stop, which
 * nothing else may see (no step number, no events$, no supervisor's restart falling due), so that
 * a journal of the run, which does not record them, replays the same.
 */
type Pending = { event: Event | null | typeof UNRECORDED; run: (step: number) => void; resolve: (r: StepResult) => void; reject: (e: unknown) => void };

class RomHost implements Host {
  readonly #router = new Router();
  readonly #state = new BehaviorSubject<HostState>(EMPTY_STATE);
  readonly #children: Children;
  readonly #events: Pending[] = [];
  readonly #accepted = new Subject<HostEvent>();
  readonly #restartBeforeUpdate: HostOptions['restartBeforeUpdate'];
  /** The scenario as applied, with the hash of each child's component as the scenario names it, and of each component by name. */
  #scenario: { scenario: Scenario; placed: PlacedChild[]; components: Readonly<Record<string, string>> } | undefined;
  #busy = false;
  #closed = false;

  readonly state$ = this.#state.asObservable();
  readonly reports$ = this.#router.reports$;
  readonly values$ = this.#router.values$;
  readonly faults$ = this.#router.faults$;
  readonly lifecycle$: Observable<LifecycleEvent>;
  readonly shadow$: Observable<ShadowEvent>;
  readonly events$ = this.#accepted.asObservable();

  constructor(
    readonly engine: Engine,
    restartBeforeUpdate?: HostOptions['restartBeforeUpdate'],
    private readonly durable?: HostOptions['durable'],
    placement?: Placement,
  ) {
    this.#restartBeforeUpdate = restartBeforeUpdate;
    this.#router.placement = placement;
    if (placement) this.#state.next({ ...EMPTY_STATE, host: placement.host });
    this.#children = new Children(engine, this.#router, { get: () => this.state, set: (next) => this.#setState(next) });
    this.lifecycle$ = this.#children.lifecycle$;
    this.shadow$ = this.#children.shadows.events$;
  }

  get state(): HostState {
    return this.#state.value;
  }

  /** Before anything ran: the sources' values and the step count of an earlier run. */
  resume({ step, values }: NonNullable<HostOptions['resume']>): void {
    for (const [source, value] of values) this.#router.set(source, value);
    this.#state.next({ ...this.state, step });
  }

  get scenario(): Scenario | undefined {
    return this.#scenario?.scenario;
  }

  async apply(scenario: Scenario): Promise<StepResult> {
    this.#open();
    const components = await this.#loadAll(scenario);
    const placed = scenario.children.map((spec) => ({ name: spec.name, spec, hash: components.get(spec.component)!.hash }));
    const hashes = Object.fromEntries([...components].map(([name, c]) => [name, c.hash]));
    return this.#enqueue({ kind: 'apply', scenario, components: hashes }, (step) => {
      const changes = childChanges(this.#scenario?.placed ?? [], placed);
      this.#scenario = { scenario, placed, components: hashes };
      for (const { name } of changes.stop) this.#children.remove(name, step);
      this.#router.table = routeTable(scenario);
      for (const { spec } of changes.restart) this.#children.replace(spec, components.get(spec.component)!, step);
      for (const { child, changedConfig } of changes.reconfigure) this.#children.reconfigure(child.spec, changedConfig, step);
      for (const { spec } of changes.start) this.#children.create(spec, components.get(spec.component)!, step);
      const names = (list: readonly { name: string }[]) => list.map((c) => c.name);
      this.#setState(
        scenarioApplied(
          this.state,
          {
            step,
            file: scenario.file,
            started: names(changes.start),
            stopped: names(changes.stop),
            restarted: names(changes.restart),
            reconfigured: changes.reconfigure.map((r) => r.child.name),
          },
          scenario.subsystems.map((s) => s.name),
        ),
      );
    });
  }

  publish(name: string, content: Uint8Array | string): Promise<StepResult> {
    this.#open();
    if (!INPUT_NAME.test(name)) fail('unknown-input', { name });
    const bytes = typeof content === 'string' ? encoder.encode(content) : content.slice();
    return this.#enqueue({ kind: 'publish', source: `input/${name}`, content: bytes }, () => this.#router.set(`input/${name}`, bytes));
  }

  kill(child: string): Promise<StepResult> {
    this.#open();
    return this.#enqueue({ kind: 'kill', child }, (step) => this.#each(child, (name) => this.#children.kill(name, step)));
  }

  hibernate(child: string): Promise<StepResult> {
    this.#open();
    return this.#enqueue({ kind: 'hibernate', child }, (step) => this.#each(child, (name) => this.#children.hibernate(name, step)));
  }

  restart(child: string): Promise<StepResult> {
    this.#open();
    return this.#enqueue({ kind: 'restart', child }, (step) => this.#each(child, (name) => this.#children.restart(name, step)));
  }

  async swap(child: string, source: ComponentSource): Promise<StepResult> {
    this.#open();
    if (this.#subsystem(child)) {
      // A subsystem runs a scenario: swapping it is applying the parent with the other scenario mounted there.
      if (typeof source !== 'string') fail('subsystem-command', { subsystem: child, command: 'swap', detail: 'give the path of a scenario file, not component bytes' });
      return this.apply(await replaceSubsystem(this.#scenario!.scenario, child, source));
    }
    const component = await this.#loadFor(child, source);
    const event: Event = { kind: 'swap', child, component: component.hash, ...(typeof source === 'string' ? { path: resolve(source) } : {}) };
    return this.#enqueue(event, (step) => this.#children.swap(child, component, step));
  }

  async shadow(child: string, source: ComponentSource): Promise<StepResult> {
    this.#open();
    this.#notSubsystem(child, 'shadow');
    const component = await this.#loadFor(child, source).catch((e: unknown) => {
      if (!(e instanceof RomhostError)) throw e;
      const label = typeof source === 'string' ? displayPath(source) : `bytes for ${child}`;
      return fail('shadow-failed', { child, component: label, reason: e.message }, e);
    });
    const path = typeof source === 'string' ? resolve(source) : undefined;
    return this.#enqueue(null, (step) => this.#children.shadows.start(this.#children.get(child), component, path, step));
  }

  async promote(child: string): Promise<StepResult> {
    this.#open();
    this.#notSubsystem(child, 'promote');
    // What is promoted, and recorded as the swap, is the candidate shadowing the child now.
    const shadow = this.#children.shadows.get(this.#children.get(child).name) ?? fail('no-shadow', { child });
    const { instance: { component }, path } = shadow;
    const event: Event = { kind: 'swap', child, component: component.hash, ...(path === undefined ? {} : { path }) };
    return this.#enqueue(event, (step) => this.#children.promote(child, component, step));
  }

  unshadow(child: string): Promise<StepResult> {
    this.#open();
    this.#notSubsystem(child, 'unshadow');
    return this.#enqueue(null, (step) => this.#children.unshadow(child, step));
  }

  receive(source: string, content: Uint8Array): Promise<StepResult> {
    this.#open();
    if (!isSource(source) || parseSource(source).kind !== 'report') fail('not-a-report', { source });
    const bytes = content.slice();
    return this.#enqueue(UNRECORDED, () => this.#router.set(source, bytes));
  }

  place(children: readonly string[]): Promise<StepResult> {
    this.#open();
    const names = [...children];
    return this.#enqueue(UNRECORDED, (step) => {
      for (const name of names) this.#children.place(name, step);
    });
  }

  async snapshot(): Promise<HostSnapshot> {
    this.#open();
    let snapshot: HostSnapshot | undefined;
    await this.#enqueue(null, (step) => {
      const applied = this.#scenario ?? fail('no-scenario', undefined);
      snapshot = { step, scenario: applied.scenario, components: applied.components, children: this.state.children, values: this.#router.values() };
    });
    return snapshot!;
  }

  shadowReports(child: string): ReadonlyMap<string, Uint8Array> | undefined {
    const reports = this.#children.shadows.get(child)?.reports;
    return reports && new Map(reports);
  }

  read(source: string): Uint8Array | undefined {
    return this.#router.value(source);
  }

  rom$(source: string): Observable<Uint8Array> {
    return this.#router.rom$(source);
  }

  reports(): ReadonlyMap<string, Uint8Array> {
    return new Map(this.#router.values().filter(([source]) => !source.startsWith('input/') && source !== 'host/state'));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#children.stopAll();
    this.#state.complete();
  }

  /**
   * Loads every component of a scenario, in name order, before anything changes: each prepared
   * for the memory caps of the children that run it.
   */
  async #loadAll(scenario: Scenario): Promise<Map<string, Component>> {
    const components = new Map<string, Component>();
    for (const ref of Object.values(scenario.components).sort((a, b) => compareCodeUnits(a.name, b.name))) {
      const caps = new Set(scenario.children.filter((c) => c.component === ref.name).map((c) => c.limits.memory_mib));
      components.set(ref.name, await this.#load(ref.path, caps.size > 0 ? [...caps] : [undefined]));
    }
    return components;
  }

  /** A component for `child`, prepared for its memory cap as it is now: the swap or shadow itself runs later, in its turn. */
  async #loadFor(child: string, source: ComponentSource): Promise<Component> {
    // A member (`room/42`) runs under its family's (`room/*`) limits.
    const named = familyOf(child) ?? child;
    const memoryMib = this.#scenario?.scenario.children.find((c) => c.name === child || c.name === named)?.limits.memory_mib;
    return typeof source === 'string'
      ? this.#load(source, [memoryMib])
      : this.engine.load(source, `bytes for ${child}`, memoryMib === undefined ? {} : { memoryMib });
  }

  async #load(path: string, caps: readonly (number | undefined)[]): Promise<Component> {
    const label = displayPath(path);
    const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) =>
      fail('component-unreadable', { file: label, reason: e.code === 'ENOENT' ? 'no such file' : e.message }, e),
    );
    let component: Component | undefined;
    for (const memoryMib of caps) component = await this.engine.load(bytes, label, memoryMib === undefined ? {} : { memoryMib });
    return component!;
  }

  /** Events become steps one at a time, in the order they were accepted, even when published from inside a step. */
  #enqueue(event: Pending['event'], run: Pending['run']): Promise<StepResult> {
    return new Promise((resolve, reject) => {
      this.#events.push({ event, run, resolve, reject });
      if (!this.#busy) this.#pump();
    });
  }

  #pump(): void {
    this.#busy = true;
    try {
      for (let event = this.#events.shift(); event; event = this.#events.shift()) {
        if (event.event === null) {
          this.#between(event);
          continue;
        }
        const step = this.state.step + 1;
        try {
          event.run(step);
        } catch (e) {
          this.#router.takeFaults();
          event.reject(e);
          continue;
        }
        if (this.#accepted.observed && event.event !== UNRECORDED) this.#accepted.next({ step, ...event.event } as HostEvent);
        this.#children.restartDue(step);
        // Too many warm (the last step woke some): the least recently updated hibernate now, at the
        // start of a step, so that what that changes in host/state is routed within it.
        if (this.#scenario) this.#children.coolDown(step, this.#scenario.scenario.limits.max_warm);
        const budget = this.#scenario?.scenario.limits.updates_per_step ?? 0;
        this.#router.drain(step, budget, this.#children.map, (fault) => this.#children.onFault(fault), this.#restartBeforeUpdate);
        this.#setState(stepTaken(this.state));
        const result = { step, faults: this.#router.takeFaults() };
        if (this.durable) this.durable(step).then(() => event.resolve(result), event.reject);
        else event.resolve(result);
      }
    } finally {
      this.#busy = false;
    }
  }

  /** Runs an event that takes no step, after the step before it. */
  #between({ run, resolve, reject }: Pending): void {
    const step = this.state.step;
    try {
      run(step);
    } catch (e) {
      reject(e);
      return;
    }
    resolve({ step, faults: [] });
  }

  /** Publishes a new snapshot; when a child or the applied scenario changed, the ROM `host/state` changes with it. */
  #setState(next: HostState): void {
    const previous = this.state;
    if (next === previous) return;
    this.#state.next(next);
    if (next.children !== previous.children || next.applied !== previous.applied || next.families !== previous.families) {
      this.#router.set('host/state', stateReport(next));
    }
  }

  /** Whether `name` is a subsystem (`office`) of the scenario applied now. */
  #subsystem(name: string): boolean {
    return this.#scenario?.scenario.subsystems.some((s) => s.name === name) === true;
  }

  /**
   * Runs a lifecycle command on a child, or on each child of a subsystem (`office`) in name order,
   * inner subsystems' included: what kill, restart and hibernate mean for a whole subsystem. Those
   * that cannot take it (hibernating one that is down) are left as they are.
   */
  #each(name: string, command: (child: string) => void): void {
    if (!this.#subsystem(name)) return command(name);
    const prefix = `${name}/`;
    for (const child of this.#scenario!.scenario.children) {
      if (!child.name.startsWith(prefix)) continue;
      try {
        command(child.name);
      } catch (e) {
        if (!(e instanceof RomhostError && e.code === 'cannot-hibernate')) throw e;
      }
    }
  }

  /** Shadows compare one component with another: a subsystem is many. */
  #notSubsystem(name: string, command: string): void {
    if (!this.#subsystem(name)) return;
    const children = this.#scenario!.scenario.children.filter((c) => c.name.startsWith(`${name}/`)).map((c) => c.name);
    fail('subsystem-command', { subsystem: name, command, detail: `name one of its children (${children.join(', ')})` });
  }

  #open(): void {
    if (this.#closed) fail('closed', undefined);
  }
}
