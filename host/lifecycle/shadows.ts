import { Subject } from 'rxjs';
import type { Component, Engine } from '../engine/index.js';
import { RomhostError, type ErrorCode } from '../errors.js';
import type { ChildSpec } from '../scenario/index.js';
import { equalBytes, type Router, type ShadowHook } from '../sessions/index.js';
import { shadowChanged } from '../state/index.js';
import { Child, type Submitted } from './child.js';
import type { StateCell } from './children.js';

/** Why a shadow stopped other than by a fault of its own. */
export type ShadowDropReason =
  /** Its child was killed, swapped to another component, removed or replaced by a scenario change. */
  | 'killed'
  | 'swapped'
  | 'removed'
  | 'replaced'
  /** It took its child's place. */
  | 'promoted'
  /** Stopped by hand. */
  | 'unshadowed'
  /** Another candidate took its place beside the child. */
  | 'superseded'
  /** Its child hibernated: a shadow is an instance too, and hibernating is about holding none. */
  | 'hibernated';

/** A report whose live and candidate values differ, and did not differ in this way at the comparison before. */
export interface ShadowDivergence {
  readonly kind: 'divergence';
  readonly step: number;
  readonly child: string;
  readonly report: string;
  /** The live child's value; absent when it has none. */
  readonly live?: Uint8Array;
  /** The candidate's value; absent when it has submitted none. */
  readonly candidate?: Uint8Array;
}

/**
 * What a shadow did, on `host.shadow$`. A comparison follows each update of the child (and the
 * shadow's start): a report's `divergence` is told when its pair of values differs and is not the
 * pair told last, so a steady difference is told once; `agreed` when a diverging report's two
 * values are equal again. `step` is the step the update ran in; for a shadow's start (which takes
 * no step of its own) the step it followed.
 */
export type ShadowEvent =
  | { readonly kind: 'started'; readonly step: number; readonly child: string; /** SHA-256 */ readonly component: string }
  | ShadowDivergence
  | { readonly kind: 'agreed'; readonly step: number; readonly child: string; readonly report: string }
  /** The candidate faulted (under the child's limits): it is dropped, the child runs on. */
  | { readonly kind: 'fault'; readonly step: number; readonly child: string; readonly component: string; readonly code: ErrorCode; readonly message: string }
  | { readonly kind: 'dropped'; readonly step: number; readonly child: string; readonly component: string; readonly reason: ShadowDropReason };

/** A candidate beside its child. */
export interface Shadow {
  /** The candidate's instance, under the child's spec: its local names, routes and limits. */
  readonly instance: Child;
  /** The file it was loaded from, when given as one: a promotion records it like a swap. */
  readonly path: string | undefined;
  /** The candidate's reports, latest value by report name: routed nowhere. */
  readonly reports: Map<string, Uint8Array>;
  /** The reports that differed at the last comparison, with the pair that was told. */
  readonly diverging: Map<string, { live: Uint8Array | undefined; candidate: Uint8Array | undefined }>;
  divergences: number;
}

/**
 * The shadows of a host's children (DESIGN §9): each a candidate component that runs every
 * update its child runs, on the same ROMs, with its reports kept here and compared with the
 * child's. Nothing a shadow does reaches routing, the child, `faults$` or `host/state`.
 */
export class Shadows implements ShadowHook {
  readonly #shadows = new Map<string, Shadow>();
  readonly #events = new Subject<ShadowEvent>();
  readonly events$ = this.#events.asObservable();

  constructor(
    private readonly engine: Engine,
    private readonly router: Router,
    private readonly state: StateCell,
  ) {}

  get active(): boolean {
    return this.#shadows.size > 0;
  }

  get(child: string): Shadow | undefined {
    return this.#shadows.get(child);
  }

  /**
   * Starts `component` beside `live`: a fresh instance on the child's ROMs runs its start update,
   * and its reports are compared with the child's. Replaces a shadow the child had, but only once
   * the new one has started; a candidate that fails to start leaves everything as it was.
   */
  start(live: Child, component: Component, path: string | undefined, step: number): void {
    const instance = new Child(live.spec, component, this.engine, this.router.reader(live.name));
    let submitted: Submitted[];
    try {
      instance.start();
      submitted = instance.update(instance.startNames());
    } catch (e) {
      if (!(e instanceof RomhostError)) throw e;
      throw new RomhostError('shadow-failed', { child: live.name, component: component.label, reason: e.message }, { cause: e });
    }
    this.drop(live.name, step, 'superseded');
    const shadow: Shadow = { instance, path, reports: new Map(), diverging: new Map(), divergences: 0 };
    keep(shadow, submitted);
    this.#shadows.set(live.name, shadow);
    this.#publish(live.name, shadow);
    this.#emit({ kind: 'started', step, child: live.name, component: component.hash });
    this.compare(step, live.name);
  }

  /**
   * The child restarted: its shadow gets a fresh instance too. Its start update is the child's:
   * the step loop runs the two together, on the same ROMs.
   */
  restart(child: string, step: number): void {
    const shadow = this.#shadows.get(child);
    if (!shadow) return;
    shadow.instance.stop();
    try {
      shadow.instance.start();
    } catch (e) {
      if (!(e instanceof RomhostError)) throw e;
      this.#fault(step, child, shadow, e);
    }
  }

  /** The child took a spec it can follow running (config, restart policy): so does its shadow. */
  reconfigure(spec: ChildSpec): void {
    this.#shadows.get(spec.name)?.instance.reconfigure(spec);
  }

  /** Drops the child's shadow, if it has one. */
  drop(child: string, step: number, reason: ShadowDropReason): void {
    const shadow = this.#remove(child);
    if (shadow) this.#emit({ kind: 'dropped', step, child, component: shadow.instance.component.hash, reason });
  }

  stopAll(): void {
    for (const shadow of this.#shadows.values()) shadow.instance.stop();
    this.#shadows.clear();
  }

  update(step: number, child: string, changed: string[]): boolean {
    const shadow = this.#shadows.get(child);
    if (!shadow?.instance.running) return false;
    try {
      keep(shadow, shadow.instance.update(changed));
    } catch (e) {
      if (!(e instanceof RomhostError)) throw e;
      this.#fault(step, child, shadow, e);
      return false;
    }
    return true;
  }

  compare(step: number, child: string): void {
    const shadow = this.#shadows.get(child);
    if (!shadow) return;
    let changed = false;
    for (const report of shadow.instance.spec.reports) {
      const live = this.router.value(shadow.instance.source(report));
      const candidate = shadow.reports.get(report);
      const told = shadow.diverging.get(report);
      if (same(live, candidate)) {
        if (!told) continue;
        shadow.diverging.delete(report);
        changed = true;
        this.#emit({ kind: 'agreed', step, child, report });
        continue;
      }
      if (told && same(told.live, live) && same(told.candidate, candidate)) continue;
      shadow.diverging.set(report, { live, candidate });
      shadow.divergences += 1;
      changed = true;
      this.#emit({
        kind: 'divergence',
        step,
        child,
        report,
        ...(live === undefined ? {} : { live }),
        ...(candidate === undefined ? {} : { candidate }),
      });
    }
    if (changed) this.#publish(child, shadow);
  }

  /** A fault of the candidate: told on `shadow$` only, never as the child's. */
  #fault(step: number, child: string, shadow: Shadow, error: RomhostError): void {
    this.#remove(child);
    this.#emit({ kind: 'fault', step, child, component: shadow.instance.component.hash, code: error.code, message: error.message });
  }

  #remove(child: string): Shadow | undefined {
    const shadow = this.#shadows.get(child);
    if (!shadow) return undefined;
    shadow.instance.stop();
    this.#shadows.delete(child);
    this.state.set(shadowChanged(this.state.get(), child, undefined));
    return shadow;
  }

  #publish(child: string, shadow: Shadow): void {
    const diverging = shadow.instance.spec.reports.filter((r) => shadow.diverging.has(r));
    this.state.set(shadowChanged(this.state.get(), child, { component: shadow.instance.component.hash, divergences: shadow.divergences, diverging }));
  }

  #emit(event: ShadowEvent): void {
    if (this.#events.observed) this.#events.next(event);
  }
}

/** The candidate's submissions become its latest values, as the router's do for a child. */
function keep(shadow: Shadow, submitted: readonly Submitted[]): void {
  for (const [report, content] of submitted) shadow.reports.set(report, content);
}

function same(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && equalBytes(a, b));
}
