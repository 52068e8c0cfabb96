import { LimitTrap, MAX_CALL_DEPTH, type Component, type ComponentInstance, type Engine } from '../engine/index.js';
import { RomhostError } from '../errors.js';
import type { ChildSpec } from '../scenario/index.js';
import type { RomReader } from '../sessions/index.js';

/** A report a child submitted in one update. */
export type Submitted = readonly [report: string, content: Uint8Array];

/**
 * A child: a component instance under the limits of its spec. An update either completes with
 * the reports it submitted, or throws a RomhostError and submits nothing: reports are applied by
 * the router only after the update returned, so a fault leaves the child's last reports as they were.
 */
export class Child {
  #instance: ComponentInstance | undefined;
  #hibernated = false;
  /** When it last completed an update, in the router's count of updates: orders hibernation (least recent first). */
  lastUpdate = 0;
  #submitted: Submitted[] = [];
  /** Submissions in the update under way, repeats of one name included: what `reports_per_update` caps. */
  #submissions = 0;
  /** Declared report → its source key `CHILD/REPORT`, built once: the router looks reports up by it. */
  #sources: ReadonlyMap<string, string>;

  constructor(
    public spec: ChildSpec,
    readonly component: Component,
    private readonly engine: Engine,
    private readonly roms: RomReader,
  ) {
    this.#sources = sourcesOf(spec);
  }

  get name(): string {
    return this.spec.name;
  }

  /** Takes a spec that differs only in what a running instance can follow: config, restart policy. */
  reconfigure(spec: ChildSpec): void {
    this.spec = spec;
    this.#sources = sourcesOf(spec);
  }

  /** The source key of one of its declared reports. */
  source(report: string): string {
    return this.#sources.get(report)!;
  }

  get running(): boolean {
    return this.#instance !== undefined;
  }

  /** Hibernating: no instance, and the next change of one of its ROMs wakes it with a fresh one. */
  get hibernated(): boolean {
    return this.#hibernated;
  }

  /** A fresh instance; its first update is the caller's to queue. */
  start(): void {
    this.#drop();
    this.#hibernated = false;
    try {
      this.#instance = this.engine.instantiate(
        this.component,
        { read: (name) => this.roms.read(name), submit: (name, content) => this.#submit(name, content) },
        { fuel: this.spec.limits.fuel, memoryMib: this.spec.limits.memory_mib },
      );
    } catch (e) {
      if (e instanceof LimitTrap) throw this.#limitError(e);
      throw new RomhostError('start-failed', { child: this.name, reason: reason(e) }, { cause: e });
    }
  }

  /** What its start update lists: every routed ROM that has a value, in route order. */
  startNames(): string[] {
    return this.roms.startNames();
  }

  stop(): void {
    this.#drop();
    this.#hibernated = false;
  }

  /** Drops the instance; nothing else is needed, since all it knows is in its ROMs. */
  hibernate(): void {
    this.#drop();
    this.#hibernated = true;
  }

  /** The only reference to an instance is here: once dropped, it is released for its memory to serve another. */
  #drop(): void {
    this.#instance?.release();
    this.#instance = undefined;
  }

  update(changed: string[]): Submitted[] {
    const instance = this.#instance;
    if (!instance) throw new TypeError(`child "${this.name}" is not running`);
    this.#submitted = [];
    this.#submissions = 0;
    try {
      instance.update(changed);
    } catch (e) {
      this.#submitted = [];
      // A faulted instance may be half-way through its own bookkeeping: never call it again.
      this.stop();
      if (e instanceof RomhostError) throw e;
      if (e instanceof LimitTrap) throw this.#limitError(e);
      throw new RomhostError('trap', { child: this.name, reason: reason(e) }, { cause: e });
    }
    const submitted = this.#submitted;
    this.#submitted = [];
    return submitted;
  }

  #limitError(e: LimitTrap): RomhostError {
    const child = this.name;
    switch (e.limit) {
      case 'fuel':
        return new RomhostError('fuel-exhausted', { child, fuel: e.limits.fuel }, { cause: e });
      case 'depth':
        return new RomhostError('stack-overflow', { child, depth: MAX_CALL_DEPTH }, { cause: e });
      case 'memory':
        return new RomhostError('memory-exhausted', { child, reason: reason(e.cause), mib: e.limits.memoryMib }, { cause: e });
    }
  }

  #submit(name: string, content: Uint8Array): void {
    const { limits, reports } = this.spec;
    if (!this.#sources.has(name)) throw new RomhostError('undeclared-report', { child: this.name, report: name, declared: reports });
    if (content.length > limits.report_kib * 1024) {
      throw new RomhostError('report-too-large', { child: this.name, report: name, bytes: content.length, limitKib: limits.report_kib });
    }
    if (++this.#submissions > limits.reports_per_update) {
      throw new RomhostError('too-many-reports', { child: this.name, count: this.#submissions, limit: limits.reports_per_update });
    }
    const submitted = this.#submitted;
    // Submitting the same report twice in one update: the latest value wins, in its first place.
    const at = submitted.findIndex(([report]) => report === name);
    if (at >= 0) submitted[at] = [name, content];
    else submitted.push([name, content]);
  }
}

function sourcesOf(spec: ChildSpec): ReadonlyMap<string, string> {
  return new Map(spec.reports.map((report) => [report, `${spec.name}/${report}`]));
}

function reason(e: unknown): string {
  if (e instanceof WebAssembly.RuntimeError) return e.message;
  if (e instanceof RangeError && /call stack/.test(e.message)) return 'call stack exhausted';
  return e instanceof Error ? e.message : String(e);
}
