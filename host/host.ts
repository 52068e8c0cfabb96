import { resolve } from 'node:path';
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import { displayPath } from './display-path.js';
import { utf8 } from './utf8.js';
import { Engine } from './engine/index.js';
import { loadComponentFor, loadScenarioComponents } from './load-components.js';
import { fail, RomhostError } from './errors.js';
import { Children, type LifecycleEvent, type ShadowEvent } from './lifecycle/index.js';
import { childChanges, isInputName, isInputSource, isSource, parseSource, replaceSubsystem, type PlacedChild, type Scenario } from './scenario/index.js';
import { Router, routeTable, type Placement } from './sessions/index.js';
import { EMPTY_STATE, scenarioApplied, showsSame, stateReporter, stepTaken, type Fault, type HostState } from './state/index.js';
import type { ComponentSource, Event, Host, HostEvent, HostOptions, HostSnapshot, HostTap, StepEvent, StepResult } from './host-api.js';

export type { ComponentSource, Host, HostEvent, HostOptions, HostSnapshot, HostTap, StepEvent, StepResult } from './host-api.js';


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
  /** As the router's: replaced, never changed in place. */
  #taps: readonly HostTap[] = [];
  readonly #stateReport = stateReporter();
  readonly #restartBeforeUpdate: HostOptions['restartBeforeUpdate'];
  /** The scenario as applied, with the hash of each child's component as the scenario names it, and of each component by name. */
  #scenario: { scenario: Scenario; placed: PlacedChild[]; components: Readonly<Record<string, string>> } | undefined;
  #busy = false;
  #closed = false;
  /** The input source `step` checked last. */
  #checkedInput = '';

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
  resume({ step, values, down }: NonNullable<HostOptions['resume']>): void {
    for (const [source, value] of values) this.#router.set(source, value);
    this.#state.next({ ...this.state, step });
    if (down) this.#children.resumed = new Map(Object.entries(down));
  }

  get scenario(): Scenario | undefined {
    return this.#scenario?.scenario;
  }

  async apply(scenario: Scenario): Promise<StepResult> {
    this.#open();
    const components = await loadScenarioComponents(this.engine, scenario);
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
      this.#children.resumed = undefined; // the first apply's alone
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
    if (!isInputName(name)) fail('unknown-input', { name });
    // One string, whose hash each map it is looked up in then computes once.
    const event: StepEvent = { kind: 'publish', source: `input/${name}`, content: typeof content === 'string' ? utf8(content) : content.slice() };
    return this.#enqueue(event, this.#command(event));
  }

  kill(child: string): Promise<StepResult> {
    return this.#queueCommand({ kind: 'kill', child });
  }

  hibernate(child: string): Promise<StepResult> {
    return this.#queueCommand({ kind: 'hibernate', child });
  }

  restart(child: string): Promise<StepResult> {
    return this.#queueCommand({ kind: 'restart', child });
  }

  step(event: StepEvent): StepResult {
    this.#open();
    const run = this.#command(event);
    if (this.#busy || this.#events.length > 0) fail('step-not-now', { reason: 'a step is under way or queued: await it first, or use publish, kill... which queue' });
    if (this.durable) fail('step-not-now', { reason: "this host's steps end once they are durable: use publish, kill..., whose promise waits for that" });
    if (event.kind === 'publish' && event.source !== this.#checkedInput) {
      if (!isInputSource(event.source)) fail('step-not-input', { source: event.source });
      // A replay's inputs are mostly the same few: each is checked once while it repeats.
      this.#checkedInput = event.source;
    }
    this.#busy = true;
    try {
      return this.#finish(this.#begin(run), event);
    } finally {
      this.#busy = false;
      // What a tap or an observer published from inside the step, in its turn.
      if (this.#events.length > 0) this.#pump();
    }
  }

  #queueCommand(event: StepEvent): Promise<StepResult> {
    this.#open();
    return this.#enqueue(event, this.#command(event));
  }

  /** What an event that loads nothing does at the start of its step; any other kind (from JavaScript, unchecked) is refused. */
  #command(event: StepEvent): (step: number) => void {
    switch (event.kind) {
      case 'publish':
        return () => void this.#router.set(event.source, event.content);
      case 'kill':
        return (step) => this.#each(event.child, (name) => this.#children.kill(name, step));
      case 'hibernate':
        return (step) => this.#each(event.child, (name) => this.#children.hibernate(name, step));
      case 'restart':
        return (step) => this.#each(event.child, (name) => this.#children.restart(name, step));
      default:
        return fail('step-kind', { kind: String((event as { kind: unknown }).kind) });
    }
  }

  async swap(child: string, source: ComponentSource): Promise<StepResult> {
    this.#open();
    if (this.#subsystem(child)) {
      // A subsystem runs a scenario: swapping it is applying the parent with the other scenario mounted there.
      if (typeof source !== 'string') fail('subsystem-command', { subsystem: child, command: 'swap', detail: 'give the path of a scenario file, not component bytes' });
      return this.apply(await replaceSubsystem(this.#scenario!.scenario, child, source));
    }
    const component = await loadComponentFor(this.engine, this.#scenario?.scenario, child, source);
    const event: Event = { kind: 'swap', child, component: component.hash, ...(typeof source === 'string' ? { path: resolve(source) } : {}) };
    return this.#enqueue(event, (step) => this.#children.swap(child, component, step));
  }

  async shadow(child: string, source: ComponentSource): Promise<StepResult> {
    this.#open();
    this.#notSubsystem(child, 'shadow');
    const component = await loadComponentFor(this.engine, this.#scenario?.scenario, child, source).catch((e: unknown) => {
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

  tap(tap: HostTap): () => void {
    // Lifecycle events are few: the stream carries them, in their place among the direct calls.
    const lifecycle = this.lifecycle$.subscribe((e) => tap.lifecycle(e));
    this.#setTaps([...this.#taps, tap]);
    let tapped = true;
    return () => {
      if (!tapped) return;
      tapped = false;
      lifecycle.unsubscribe();
      const taps = [...this.#taps];
      taps.splice(taps.indexOf(tap), 1);
      this.#setTaps(taps);
    };
  }

  #setTaps(taps: readonly HostTap[]): void {
    this.#taps = taps;
    this.#router.taps = taps;
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
      for (let pending = this.#events.shift(); pending; pending = this.#events.shift()) {
        const { event, resolve, reject } = pending;
        if (event === null) {
          this.#between(pending);
          this.#router.settle();
          continue;
        }
        let step: number;
        try {
          step = this.#begin(pending.run);
        } catch (e) {
          reject(e);
          continue;
        }
        const result = this.#finish(step, event);
        if (this.durable) this.durable(step).then(() => resolve(result), reject);
        else resolve(result);
      }
    } finally {
      this.#busy = false;
    }
  }

  /** Applies an event at the start of the next step, and returns its number. Throws what `run` threw, having taken no step. */
  #begin(run: (step: number) => void): number {
    const step = this.state.step + 1;
    try {
      run(step);
    } catch (e) {
      this.#router.takeFaults();
      this.#router.settle();
      throw e;
    }
    return step;
  }

  /** Tells of the event begun as `step` and runs the updates it causes, to the end of the step. */
  #finish(step: number, event: Event | typeof UNRECORDED): StepResult {
    if (event !== UNRECORDED) {
      for (const tap of this.#taps) tap.event(step, event);
      if (this.#accepted.observed) this.#accepted.next({ step, ...event } as HostEvent);
    }
    this.#children.restartDue(step);
    this.#drain(step);
    // Too many warm (this step woke some): the least recently updated hibernate before the step
    // ends, so that no step ends past max_warm, and what that changes in host/state is routed within it.
    if (this.#scenario && this.#children.coolDown(step, this.#scenario.scenario.limits.max_warm)) this.#drain(step);
    this.#router.settle();
    this.#setState(stepTaken(this.state));
    return { step, faults: this.#router.takeFaults() };
  }

  /** Runs the step's updates until it is quiet, or its budget is spent. */
  #drain(step: number): void {
    const budget = this.#scenario?.scenario.limits.updates_per_step ?? 0;
    this.#router.drain(step, budget, this.#children.map, this.#onFault, this.#restartBeforeUpdate);
  }

  readonly #onFault = (fault: Fault): void => this.#children.onFault(fault);

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
    if (!showsSame(previous, next)) {
      // Unwatched, it is computed once read or once the event is over: a wake and the cool-down
      // after it change a family's warm count twice a step, and are the host's hottest path.
      if (this.#router.watched('host/state')) this.#router.set('host/state', this.#stateReport(next));
      else this.#router.setLater('host/state', () => this.#stateReport(this.state));
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
