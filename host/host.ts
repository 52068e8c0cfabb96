import { readFile } from 'node:fs/promises';
import { BehaviorSubject, type Observable } from 'rxjs';
import { Engine, type Component } from './engine/index.js';
import { fail, RomhostError } from './errors.js';
import { Child } from './lifecycle/index.js';
import type { Scenario } from './scenario/index.js';
import { Router, routeTable, type ReportChange } from './sessions/index.js';
import { childFaulted, EMPTY_STATE, scenarioApplied, stepTaken, type Fault, type HostState } from './state/index.js';
import { displayPath } from './display-path.js';

export interface HostOptions {
  /** Share one engine (and its compiled modules) between hosts; `new Engine({ callPath: 'glue' })` forces jco's glue. */
  readonly engine?: Engine;
}

/** What one step did. */
export interface StepResult {
  readonly step: number;
  readonly faults: readonly Fault[];
}

export interface Host {
  /** Loads the scenario's components, then starts its children in one step. */
  apply(scenario: Scenario): Promise<StepResult>;
  /** Publishes `content` as the input ROM `input/NAME` and runs the step it causes. */
  publish(name: string, content: Uint8Array | string): Promise<StepResult>;
  /** The current value of a source: `CHILD/REPORT` or `input/NAME`. */
  read(source: string): Uint8Array | undefined;
  /** Every report's current value by `CHILD/REPORT`, sorted. */
  reports(): ReadonlyMap<string, Uint8Array>;
  readonly state: HostState;
  readonly state$: Observable<HostState>;
  readonly reports$: Observable<ReportChange>;
  readonly faults$: Observable<Fault>;
  readonly engine: Engine;
  close(): Promise<void>;
}

const INPUT_NAME = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const encoder = new TextEncoder();

export function createHost(options: HostOptions = {}): Host {
  return new RomHost(options.engine ?? new Engine());
}

/** An accepted event: `run` applies it at the start of its step and returns the faults it caused. */
type Pending = { run: (step: number) => Fault[]; resolve: (r: StepResult) => void; reject: (e: unknown) => void };

class RomHost implements Host {
  readonly #router = new Router();
  readonly #state: BehaviorSubject<HostState> = new BehaviorSubject(EMPTY_STATE);
  readonly #children = new Map<string, Child>();
  readonly #events: Pending[] = [];
  #scenario: Scenario | undefined;
  #busy = false;
  #closed = false;

  readonly state$ = this.#state.asObservable();
  readonly reports$ = this.#router.reports$;
  readonly faults$ = this.#router.faults$;

  constructor(readonly engine: Engine) {}

  get state(): HostState {
    return this.#state.value;
  }

  async apply(scenario: Scenario): Promise<StepResult> {
    this.#open();
    if (this.#scenario) throw new TypeError('this host already runs a scenario; live scenario changes are not supported yet');
    for (const child of scenario.children) {
      for (const [rom, source] of Object.entries(child.roms)) {
        if (source.kind === 'host-state') fail('unsupported-source', { child: child.name, rom, source: 'host/state' });
      }
    }
    // Load every component before touching anything: a bad one leaves the host as it was.
    const components = new Map<string, Component>();
    for (const ref of Object.values(scenario.components).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const label = displayPath(ref.path);
      const bytes = await readFile(ref.path).catch((e: NodeJS.ErrnoException) =>
        fail('component-unreadable', { file: label, reason: e.code === 'ENOENT' ? 'no such file' : e.message }, e),
      );
      components.set(ref.name, await this.engine.load(bytes, label));
    }
    this.#scenario = scenario;
    return this.#enqueue((step) => {
      this.#router.table = routeTable(scenario);
      for (const spec of scenario.children) {
        const child = new Child(spec, components.get(spec.component)!, this.engine, this.#router.reader(spec.name));
        this.#children.set(spec.name, child);
      }
      this.#setState(
        scenarioApplied(
          this.state,
          scenario.file,
          [...this.#children.values()].map((c) => ({
            name: c.name,
            component: c.component.hash,
            callPath: c.component.callPath,
            status: 'running',
          })),
        ),
      );
      return [...this.#children.values()].flatMap((child) => this.#start(child, step));
    });
  }

  publish(name: string, content: Uint8Array | string): Promise<StepResult> {
    this.#open();
    if (!INPUT_NAME.test(name)) fail('unknown-input', { name });
    const bytes = typeof content === 'string' ? encoder.encode(content) : content.slice();
    return this.#enqueue(() => {
      this.#router.set(`input/${name}`, bytes);
      return [];
    });
  }

  read(source: string): Uint8Array | undefined {
    return this.#router.value(source);
  }

  reports(): ReadonlyMap<string, Uint8Array> {
    return new Map(this.#router.values().filter(([source]) => !source.startsWith('input/')));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const child of this.#children.values()) child.stop();
    this.#state.complete();
  }

  /** Starts a child and queues its first update; a child that fails to start is faulted. */
  #start(child: Child, step: number): Fault[] {
    try {
      child.start();
      this.#router.queueStart(child.name);
      return [];
    } catch (e) {
      if (!(e instanceof RomhostError)) throw e;
      return [this.#router.fault(step, e, child.name)];
    }
  }

  /** Inputs become steps one at a time, in the order they were accepted, even when published from inside a step. */
  #enqueue(run: Pending['run']): Promise<StepResult> {
    return new Promise((resolve, reject) => {
      this.#events.push({ run, resolve, reject });
      if (!this.#busy) this.#pump();
    });
  }

  #pump(): void {
    this.#busy = true;
    try {
      for (let event = this.#events.shift(); event; event = this.#events.shift()) {
        const step = this.state.step + 1;
        try {
          const budget = this.#scenario?.limits.updates_per_step ?? 0;
          const faults = [...event.run(step), ...this.#router.drain(step, budget, this.#children)];
          for (const fault of faults) if (fault.child !== undefined) this.#setState(childFaulted(this.state, { ...fault, child: fault.child }));
          this.#setState(stepTaken(this.state));
          event.resolve({ step, faults });
        } catch (e) {
          event.reject(e);
        }
      }
    } finally {
      this.#busy = false;
    }
  }

  #setState(next: HostState): void {
    if (next !== this.state) this.#state.next(next);
  }

  #open(): void {
    if (this.#closed) fail('closed', undefined);
  }
}
