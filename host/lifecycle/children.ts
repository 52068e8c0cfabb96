import { Subject } from 'rxjs';
import type { Component, Engine } from '../engine/index.js';
import { RomhostError } from '../errors.js';
import { compareCodeUnits } from '../code-unit-order.js';
import { familyOf, isFamily, keyOf, memberName, type ChildSpec } from '../scenario/index.js';
import type { Router } from '../sessions/index.js';
import {
  childFaulted,
  childHibernated,
  childPlaced,
  childRemoved,
  childStarted,
  childStopped,
  dueRestarts,
  familyChanged,
  type Fault,
  type HostState,
} from '../state/index.js';
import { Child } from './child.js';
import { Families, type Family } from './families.js';
import { Shadows, type ShadowDropReason } from './shadows.js';
import { WarmSet } from './warm-set.js';

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
  /** The children with an instance; a member's family counts its own among them (which #syncFamily publishes). */
  readonly #warm = new WarmSet((name, delta) => {
    const family = this.#families.of(name);
    if (family) family.warm += delta;
  });
  /** Set by a resumed host until its first apply: static children to create stopped or hibernating, as the run they resume left them. */
  resumed: ReadonlyMap<string, 'stopped' | 'hibernated'> | undefined;
  /** Families (`room/*`): their members have a Child only while warm, down, or asked for by name. */
  readonly #families = new Families();

  constructor(
    private readonly engine: Engine,
    private readonly router: Router,
    private readonly state: StateCell,
  ) {
    this.shadows = new Shadows(engine, router, state);
    router.shadows = this.shadows;
    router.activity = {
      woken: (child, step) => {
        this.#set(childHibernated(this.state.get(), child.name, false));
        this.#emit(step, child.name, 'woken');
        this.#warm.add(child);
      },
      registered: (member) => this.#families.registered(member),
      member: (name, step, known) => this.#member(name, step, known),
    };
  }

  /**
   * A member about to run, which has no Child: created now if the input that queued it is its
   * first (`started`), else woken from hibernation (`woken`). Its family's counts change with it.
   * `known`: it surely exists (the router unpacked its packed values), and its key needs no lookup.
   */
  #member(name: string, step: number, known: boolean): Child | undefined {
    const family = this.#families.of(name);
    if (!family) return undefined;
    const key = keyOf(name);
    const created = !known && !family.keys.has(key);
    if (created) family.keys.add(key);
    const child = new Child(family.memberSpec(name), family.component, this.engine, this.router.reader(name));
    this.#children.set(name, child);
    this.#warm.add(child);
    this.#syncFamily(family);
    this.#emit(step, name, created ? 'started' : 'woken', created ? family.component.hash : undefined);
    return child;
  }

  /**
   * Drops a running child's instance (by hand, or because too many are warm): all it knows is in
   * its ROMs, so the next change of one of them wakes it with a fresh instance started on them,
   * which a pure component cannot tell from going on. Hibernating twice is nothing.
   */
  hibernate(name: string, step: number): void {
    const child = this.get(name);
    const family = this.#families.of(name);
    if (child.hibernated) {
      // A hibernated member asked for by name: it needs no Child.
      if (family) this.#children.delete(name);
      return;
    }
    if (!child.running) throw new RomhostError('cannot-hibernate', { child: name, status: this.state.get().children[name]?.status ?? 'stopped' });
    this.#hibernate(child, step);
    if (family) this.#syncFamily(family);
  }

  /**
   * Drops an instance. A member also drops its Child and its entry in the state, if it had one
   * (a fault or a restart by hand): a hibernated member costs only its key. Its family's counts
   * are the caller's to publish, once for many.
   */
  #hibernate(child: Child, step: number): void {
    const name = child.name;
    child.hibernate();
    this.#warm.delete(name);
    this.shadows.drop(name, step, 'hibernated');
    const family = this.#families.of(name);
    if (family) {
      this.#children.delete(name);
      this.router.freeze(name);
      if (this.state.get().children[name]) this.#set(childRemoved(this.state.get(), name));
    } else {
      this.#set(childHibernated(this.state.get(), name, true));
    }
    this.#emit(step, name, 'hibernated');
  }

  /**
   * Past `max` warm children, the least recently updated hibernate until `max` are warm. Decided by
   * update counts alone, never by time. They are chosen a tenth of `max` at a time, by one sort of
   * the warm set, and hibernated as wakes need room: a run that wakes one child per step hibernates
   * one per step, and neither sorts nor drops a thousand instances in any one of them. True when
   * any hibernated (the host then routes what that changed in host/state).
   */
  coolDown(step: number, max: number): boolean {
    if (this.#warm.size <= max) return false;
    const touched = new Set<Family>();
    while (this.#warm.size > max) {
      const child = this.#warm.victim(max, this.#children);
      if (!child) break;
      this.#hibernate(child, step);
      const family = this.#families.of(child.name);
      if (family) touched.add(family);
    }
    for (const family of touched) this.#syncFamily(family);
    return true;
  }

  /** The children by name, for the router's step loop. */
  get map(): ReadonlyMap<string, Child> {
    return this.#children;
  }

  /**
   * A child by name: a static child, or a family member (`room/42`), which gets a Child, hibernated,
   * if it has none (so that it can be killed, restarted or looked at by name).
   */
  get(name: string): Child {
    const child = this.#children.get(name);
    if (child) return child;
    const family = this.#families.of(name);
    if (family?.keys.has(keyOf(name))) {
      const member = new Child(family.memberSpec(name), family.component, this.engine, this.router.reader(name));
      member.hibernate();
      this.#children.set(name, member);
      return member;
    }
    const known = [...this.#children.keys()].filter((n) => this.#families.of(n) === undefined);
    throw new RomhostError('unknown-child', { child: name, known: [...known, ...this.#families.names()].sort(compareCodeUnits) });
  }

  /** The family a name is a member of, if it is one. */
  familyOf(name: string): Family | undefined {
    return this.#families.of(name);
  }

  /** A new child, started on the ROMs that are there; a new family starts no member. */
  create(spec: ChildSpec, component: Component, step: number): void {
    if (isFamily(spec.name)) {
      const patterns = this.router.table.patterns.filter((p) => p.family === spec.name && p.creates).map((p) => p.pattern);
      const family = this.#families.add(spec, component, patterns, this.router.sources());
      this.#syncFamily(family);
      this.#emit(step, spec.name, 'started', component.hash);
      return;
    }
    const child = new Child(spec, component, this.engine, this.router.reader(spec.name));
    this.#children.set(spec.name, child);
    const owner = this.router.elsewhere(spec.name);
    const resumed = this.resumed?.get(spec.name);
    if (owner === undefined && resumed !== undefined) {
      // Not started: a stopped child's last reports are in the values resumed, and stay; a hibernating one wakes at its next change.
      const started = childStarted(this.state.get(), spec.name, component, 'new', step);
      if (resumed === 'hibernated') child.hibernate();
      this.#set(resumed === 'stopped' ? childStopped(started, spec.name) : childHibernated(started, spec.name, true));
      return;
    }
    if (owner === undefined) return this.#start(child, step, 'new');
    // Another host's (or nobody's yet): known here by its reports alone.
    this.#set(childPlaced(childStarted(this.state.get(), spec.name, component, 'new', step), spec.name, owner));
  }

  /**
   * A child's owner changed (host/cluster). A static child owned elsewhere now stops and shows as
   * `elsewhere`; one owned here again starts on its ROMs, the reports its last owner left among
   * them. A member owned elsewhere drops its instance; one owned here wakes at its next change.
   * A name the scenario does not know (yet) is nothing.
   */
  place(name: string, step: number): void {
    const owner = this.router.elsewhere(name);
    const family = this.#families.of(name);
    const child = this.#children.get(name);
    if (family) {
      if (owner !== undefined && child) {
        if (child.running) this.#hibernate(child, step);
        else this.#children.delete(name);
        this.#syncFamily(family);
      }
      return;
    }
    if (!child) return;
    const status = this.state.get().children[name]?.status;
    if (owner === undefined) {
      if (status !== 'elsewhere') return;
      this.#set(childPlaced(this.state.get(), name, undefined));
      this.#start(child, step, 'new');
      return;
    }
    child.stop();
    this.#warm.delete(name);
    this.shadows.drop(name, step, 'removed');
    this.#set(childPlaced(this.state.get(), name, owner));
  }

  /** A family's members with a Child (warm, down, or asked for by name), in name order. */
  #membersWithChild(family: Family): Child[] {
    return [...this.#children.values()].filter((c) => familyOf(c.name) === family.name).sort((a, b) => compareCodeUnits(a.name, b.name));
  }

  /** Drops every member's Child and state entry: they are all hibernated now, or gone. */
  #dropMembers(family: Family, step: number, reason: ShadowDropReason): void {
    for (const child of this.#membersWithChild(family)) {
      child.stop();
      this.#warm.delete(child.name);
      this.#children.delete(child.name);
      this.shadows.drop(child.name, step, reason);
      if (this.state.get().children[child.name]) this.#set(childRemoved(this.state.get(), child.name));
    }
  }

  /** A child the scenario no longer names: stopped, and its reports forgotten. */
  remove(name: string, step: number): void {
    const family = this.#families.get(name);
    if (family) {
      this.#dropMembers(family, step, 'removed');
      for (const key of family.keys) for (const report of family.spec.reports) this.router.delete(`${memberName(name, key)}/${report}`);
      this.#families.delete(name);
      this.#set(familyChanged(this.state.get(), name, undefined));
      this.#emit(step, name, 'removed');
      return;
    }
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
    this.#track(name, step);
    this.#set(childStopped(this.state.get(), name));
    this.#syncFamilyOf(name);
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
    const family = this.#families.get(spec.name);
    if (family) {
      // Every member hibernates, to wake on the new spec at its next input: a million restarts at once would be no step.
      this.#dropMembers(family, step, 'replaced');
      family.spec = spec;
      family.component = component;
      this.#syncFamily(family);
      this.#emit(step, spec.name, 'restarted', component.hash);
      return;
    }
    this.get(spec.name).stop();
    const child = new Child(spec, component, this.engine, this.router.reader(spec.name));
    this.#children.set(spec.name, child);
    this.#start(child, step, 'by-hand');
    this.shadows.drop(spec.name, step, 'replaced');
  }

  /** A scenario change the running instance can follow: new config ROMs are delivered as changes. */
  reconfigure(spec: ChildSpec, changedConfig: readonly string[], step: number): void {
    const family = this.#families.get(spec.name);
    if (family) {
      // Warm members get the new config as a change; hibernated ones read it when they wake.
      family.spec = spec;
      for (const child of this.#membersWithChild(family)) {
        child.reconfigure(family.memberSpec(child.name));
        if (child.running) this.router.queueChanged(child.name, changedConfig);
      }
      this.#emit(step, spec.name, 'reconfigured');
      return;
    }
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
    if (this.#families.get(name) || this.#families.of(name)) {
      // A member runs its family's component, which only a scenario names: it would lose a swap at its next hibernation.
      const reason = "a family's members all run the component the scenario gives the family: apply a scenario that names another";
      throw new RomhostError('swap-failed', { child: name, component: component.label, reason });
    }
    const old = this.get(name);
    const candidate = new Child(old.spec, component, this.engine, this.router.reader(name));
    let submitted;
    try {
      candidate.start();
      submitted = candidate.update(candidate.startNames());
    } catch (e) {
      if (!(e instanceof RomhostError)) throw e;
      throw new RomhostError('swap-failed', { child: name, component: component.label, reason: e.message }, { cause: e });
    }
    old.stop();
    this.#children.set(name, candidate);
    this.#warm.add(candidate);
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
    this.#syncFamilyOf(fault.child);
    this.#track(fault.child, fault.step);
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
    this.#warm.add(child);
    this.#syncFamilyOf(child.name);
    this.router.queueStart(child.name);
  }

  /** A member shows in the state by name from its first fault, kill or restart by hand until it next hibernates. */
  #track(name: string, step: number): void {
    const family = this.#families.of(name);
    if (!family || this.state.get().children[name]) return;
    this.#set(childStarted(this.state.get(), name, family.component, 'new', step));
  }

  #syncFamilyOf(name: string): void {
    const family = this.#families.of(name);
    if (family) this.#syncFamily(family);
  }

  /** Publishes a family's counts and component in the state, if they changed. */
  #syncFamily(family: Family): void {
    const now = family.state();
    const was = this.state.get().families?.[family.name];
    if (was && was.members === now.members && was.warm === now.warm && was.component === now.component) return;
    this.#set(familyChanged(this.state.get(), family.name, now));
  }

  #set(next: HostState): void {
    this.state.set(next);
  }

  #emit(step: number, child: string, action: LifecycleAction, component?: string): void {
    if (this.#lifecycle.observed) this.#lifecycle.next({ step, child, action, ...(component === undefined ? {} : { component }) });
  }
}
