import { Subject } from 'rxjs';
import type { Component, Engine } from '../engine/index.js';
import { RomhostError } from '../errors.js';
import type { ChildSpec } from '../scenario/index.js';
import type { Router } from '../sessions/index.js';
import {
  childFaulted,
  childHibernated,
  childRemoved,
  childStarted,
  childStopped,
  dueRestarts,
  type Fault,
  type HostState,
} from '../state/index.js';
import { Child } from './child.js';
import { Shadows, type ShadowDropReason } from './shadows.js';

export type LifecycleAction = 'started' | 'restarted' | 'stopped' | 'removed' | 'swapped' | 'reconfigured' | 'faulted' | 'quarantined' | 'hibernated' | 'woken';

/** Something the host did to a child, in the step it did it. */
export interface LifecycleEvent {
  readonly step: number;
  readonly child: string;
  readonly action: LifecycleAction;
  /** The component hash, for started, restarted and swapped. */
  readonly component?: string;
}

/** The host's snapshot, read and replaced by the lifecycle as children change. */
export interface StateCell {
  get(): HostState;
  set(next: HostState): void;
}

/**
 * The children of a host and everything that starts or stops them: scenario changes, kill,
 * restart, swap, and the supervisor acting on faults under each child's restart policy.
 * Every change runs inside a step and is recorded in the state and on `lifecycle$`.
 */
export class Children {
  readonly #children = new Map<string, Child>();
  readonly #lifecycle = new Subject<LifecycleEvent>();
  readonly lifecycle$ = this.#lifecycle.asObservable();
  /** Candidates beside the children: they follow each child's restarts and go when it stops or changes. */
  readonly shadows: Shadows;
  /**
   * The children with an instance (kept up to date as they start and stop, not on every update:
   * the update path only stamps `Child.lastUpdate`); sorted by that stamp only when too many are warm.
   */
  readonly #warm = new Set<string>();

  constructor(
    private readonly engine: Engine,
    private readonly router: Router,
    private readonly state: StateCell,
  ) {
    this.shadows = new Shadows(engine, router, state);
    router.shadows = this.shadows;
    router.activity = {
      woken: (name, step) => {
        this.#set(childHibernated(this.state.get(), name, false));
        this.#emit(step, name, 'woken');
        this.#warm.add(name);
      },
    };
  }

  /**
   * Drops a running child's instance (by hand, or because too many are warm): all it knows is in
   * its ROMs, so the next change of one of them wakes it with a fresh instance started on them,
   * which a pure component cannot tell from going on. Hibernating twice is nothing.
   */
  hibernate(name: string, step: number): void {
    const child = this.get(name);
    if (child.hibernated) return;
    if (!child.running) throw new RomhostError('cannot-hibernate', { child: name, status: this.state.get().children[name]?.status ?? 'stopped' });
    child.hibernate();
    this.#warm.delete(name);
    this.shadows.drop(name, step, 'hibernated');
    this.#set(childHibernated(this.state.get(), name, true));
    this.#emit(step, name, 'hibernated');
  }

  /** Hibernates the least recently updated children until at most `max` are warm. */
  coolDown(step: number, max: number): void {
    if (this.#warm.size <= max) return;
    const warm: Child[] = [];
    for (const name of this.#warm) {
      const child = this.#children.get(name);
      if (child?.running) warm.push(child);
      else this.#warm.delete(name); // gone down some other way: a fault, a kill
    }
    warm.sort((a, b) => a.lastUpdate - b.lastUpdate);
    for (const child of warm.slice(0, Math.max(0, warm.length - max))) this.hibernate(child.name, step);
  }

  /** The children by name, for the router's step loop. */
  get map(): ReadonlyMap<string, Child> {
    return this.#children;
  }

  get(name: string): Child {
    const child = this.#children.get(name);
    if (!child) throw new RomhostError('unknown-child', { child: name, known: [...this.#children.keys()] });
    return child;
  }

  /** A new child, started on the ROMs that are there. */
  create(spec: ChildSpec, component: Component, step: number): void {
    const child = new Child(spec, component, this.engine, this.router.reader(spec.name));
    this.#children.set(spec.name, child);
    this.#start(child, step, 'new');
  }

  /** A child the scenario no longer names: stopped, and its reports forgotten. */
  remove(name: string, step: number): void {
    const child = this.get(name);
    child.stop();
    this.#warm.delete(name);
    this.#children.delete(name);
    for (const report of child.spec.reports) this.router.delete(`${name}/${report}`);
    this.#set(childRemoved(this.state.get(), name));
    this.#emit(step, name, 'removed');
    this.shadows.drop(name, step, 'removed');
  }

  /** Stops a child; its last reports stay as they were, and it stays down until restarted. */
  kill(name: string, step: number): void {
    this.get(name).stop();
    this.#warm.delete(name);
    this.#set(childStopped(this.state.get(), name));
    this.#emit(step, name, 'stopped');
    this.shadows.drop(name, step, 'killed');
  }

  /** A fresh instance of the same component on the same ROMs. By hand, it also lifts a quarantine. */
  restart(name: string, step: number, how: 'by-hand' | 'by-supervisor' = 'by-hand'): void {
    const child = this.get(name);
    child.stop();
    this.shadows.restart(name, step);
    this.#start(child, step, how);
  }

  /** A scenario change that the running instance cannot follow: a new instance on the new spec. */
  replace(spec: ChildSpec, component: Component, step: number): void {
    this.get(spec.name).stop();
    const child = new Child(spec, component, this.engine, this.router.reader(spec.name));
    this.#children.set(spec.name, child);
    this.#start(child, step, 'by-hand');
    this.shadows.drop(spec.name, step, 'replaced');
  }

  /** A scenario change the running instance can follow: new config ROMs are delivered as changes. */
  reconfigure(spec: ChildSpec, changedConfig: readonly string[], step: number): void {
    const child = this.get(spec.name);
    child.reconfigure(spec);
    this.shadows.reconfigure(spec);
    if (child.running) this.router.queueChanged(spec.name, changedConfig);
    this.#emit(step, spec.name, 'reconfigured');
  }

  /**
   * Swaps a child's component atomically: the candidate is instantiated and runs its first update
   * on the child's ROMs before anything changes; if either fails, the old instance keeps running
   * and the error says why. Its first reports are routed like any update's. A shadow the child
   * had goes (`dropped`, for `reason`).
   */
  swap(name: string, component: Component, step: number, reason: ShadowDropReason = 'swapped'): void {
    const old = this.get(name);
    const candidate = new Child(old.spec, component, this.engine, this.router.reader(name));
    let submitted;
    try {
      candidate.start();
      submitted = candidate.update(this.router.startNames(name));
    } catch (e) {
      if (!(e instanceof RomhostError)) throw e;
      throw new RomhostError('swap-failed', { child: name, component: component.label, reason: e.message }, { cause: e });
    }
    old.stop();
    this.#children.set(name, candidate);
    this.#warm.add(name);
    this.#set(childStarted(this.state.get(), name, component, 'by-hand', step));
    this.#emit(step, name, 'swapped', component.hash);
    this.shadows.drop(name, step, reason);
    this.router.submit(step, candidate, submitted);
  }

  /**
   * Promotes the child's shadow: a swap to its component (a fresh instance, as any swap), which
   * must still be the one shadowing the child when the step runs.
   */
  promote(name: string, component: Component, step: number): void {
    if (this.shadows.get(this.get(name).name)?.instance.component !== component) throw new RomhostError('no-shadow', { child: name });
    this.swap(name, component, step, 'promoted');
  }

  /** Stops the child's shadow. */
  unshadow(name: string, step: number): void {
    if (!this.shadows.get(this.get(name).name)) throw new RomhostError('no-shadow', { child: name });
    this.shadows.drop(name, step, 'unshadowed');
  }

  /** The supervisor: a faulted child is restarted under its policy, or quarantined past it. */
  onFault(fault: Fault): void {
    if (fault.child === undefined) return;
    const child = this.#children.get(fault.child);
    if (!child) return;
    this.#warm.delete(fault.child);
    this.#set(childFaulted(this.state.get(), { ...fault, child: fault.child }, child.spec.restart));
    const now = this.state.get().children[fault.child];
    this.#emit(fault.step, fault.child, now?.status === 'quarantined' ? 'quarantined' : 'faulted');
    if (now?.status === 'faulted' && now.restartAt !== undefined && now.restartAt <= fault.step) {
      this.restart(fault.child, fault.step, 'by-supervisor');
    }
  }

  /** Restarts the faulted children whose backoff has passed, at the start of `step`. */
  restartDue(step: number): void {
    for (const name of dueRestarts(this.state.get(), step)) this.restart(name, step, 'by-supervisor');
  }

  stopAll(): void {
    for (const child of this.#children.values()) child.stop();
    this.shadows.stopAll();
  }

  #start(child: Child, step: number, how: 'new' | 'by-hand' | 'by-supervisor'): void {
    this.#set(childStarted(this.state.get(), child.name, child.component, how, step));
    this.#emit(step, child.name, how === 'new' ? 'started' : 'restarted', child.component.hash);
    try {
      child.start();
    } catch (e) {
      if (!(e instanceof RomhostError)) throw e;
      this.onFault(this.router.fault(step, e, child.name));
      return;
    }
    this.#warm.add(child.name);
    this.router.queueStart(child.name);
  }

  #set(next: HostState): void {
    this.state.set(next);
  }

  #emit(step: number, child: string, action: LifecycleAction, component?: string): void {
    if (this.#lifecycle.observed) this.#lifecycle.next({ step, child, action, ...(component === undefined ? {} : { component }) });
  }
}
