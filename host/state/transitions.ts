import { castDraft, produce, type Draft } from 'immer';
import { compareCodeUnits } from '../code-unit-order.js';
import type { RestartPolicy } from '../scenario/index.js';
import type { CallPath } from '../engine/index.js';
import type { Applied, ChildState, FamilyState, Fault, HostState, ShadowState } from './host-state.js';

/** Pure transitions of the host state: each takes a snapshot and returns the next. */

/**
 * The one transition of every step, on the hot path: a frozen shallow copy, which is all immer
 * would make of it, at a tenth of the cost (immer's produce is 1.6–2.5 µs; bench/RESULTS.md).
 */
export const stepTaken = (state: HostState): HostState => Object.freeze({ ...state, step: state.step + 1 });

export const scenarioApplied = (state: HostState, applied: Applied, subsystems: readonly string[] = []): HostState =>
  produce(state, (s) => {
    s.applied = castDraft(applied);
    if (subsystems.length > 0) s.subsystems = [...subsystems];
    else delete s.subsystems;
  });

/** A child (re)started on a component. A restart by hand forgets the restart intensity. */
export const childStarted = (
  state: HostState,
  name: string,
  component: { hash: string; callPath: CallPath },
  how: 'new' | 'by-hand' | 'by-supervisor',
  step: number,
): HostState =>
  produce(state, (s) => {
    const before = s.children[name];
    const child: Draft<ChildState> = before ?? { name, component: '', callPath: 'fast', status: 'running', restarts: 0, recentRestarts: [] };
    child.component = component.hash;
    child.callPath = component.callPath;
    child.status = 'running';
    delete child.restartAt;
    if (how !== 'new') child.restarts += 1;
    if (how === 'by-hand') child.recentRestarts = [];
    if (how === 'by-supervisor') child.recentRestarts.push(step);
    if (!before) s.children = sortedByName({ ...s.children, [name]: child });
  });

export const childStopped = (state: HostState, name: string): HostState =>
  produce(state, (s) => {
    const child = s.children[name];
    if (child) {
      child.status = 'stopped';
      delete child.restartAt;
    }
  });

/** A running child dropped its instance to hibernate, or woke with a fresh one. */
export const childHibernated = (state: HostState, name: string, hibernated: boolean): HostState =>
  produce(state, (s) => {
    const child = s.children[name];
    if (child) child.status = hibernated ? 'hibernated' : 'running';
  });

/**
 * A static child's placement in a cluster changed: it runs on `host` (elsewhere, never here), or,
 * with `undefined`, here again: hibernated, to wake on its ROMs at their next change.
 */
export const childPlaced = (state: HostState, name: string, host: string | undefined): HostState =>
  produce(state, (s) => {
    const child = s.children[name];
    if (!child) return;
    if (host === undefined) {
      if (child.status === 'elsewhere') child.status = 'hibernated';
      delete child.host;
    } else {
      child.status = 'elsewhere';
      child.host = host;
      delete child.restartAt;
    }
  });

export const childRemoved = (state: HostState, name: string): HostState =>
  produce(state, (s) => {
    delete s.children[name];
  });

/**
 * A child faulted: the supervisor's decision, after Erlang/OTP's restart intensity counted in
 * steps. Within the policy it is due for a restart `backoff_steps` later; past it, quarantined.
 */
export const childFaulted = (state: HostState, fault: Fault & { child: string }, policy: RestartPolicy): HostState =>
  produce(state, (s) => {
    const child = s.children[fault.child];
    if (!child) return;
    child.fault = fault;
    child.recentRestarts = child.recentRestarts.filter((step) => step > fault.step - policy.within_steps);
    if (child.recentRestarts.length >= policy.max) {
      child.status = 'quarantined';
      delete child.restartAt;
    } else {
      child.status = 'faulted';
      child.restartAt = fault.step + policy.backoff_steps;
    }
  });

/** A child's shadow started, compared, or gone (`undefined`). */
export const shadowChanged = (state: HostState, name: string, shadow: ShadowState | undefined): HostState =>
  produce(state, (s) => {
    const child = s.children[name];
    if (!child) return;
    if (shadow === undefined) delete child.shadow;
    else child.shadow = castDraft(shadow);
  });

/**
 * A family started, changed its counts or component (`family`), or went (`undefined`). On the
 * path of every member's creation, waking and hibernation: frozen shallow copies, no immer.
 */
export function familyChanged(state: HostState, name: string, family: FamilyState | undefined): HostState {
  const families: Record<string, FamilyState> = { ...state.families };
  if (family === undefined) delete families[name];
  else families[name] = Object.freeze({ ...family });
  const next: HostState = { ...state, families: Object.freeze(state.families?.[name] === undefined ? sortedByName(families) : families) };
  if (Object.keys(families).length === 0) delete (next as { families?: unknown }).families;
  return Object.freeze(next);
}

/** Faulted children whose restart is due at `step`, in name order. */
export function dueRestarts(state: HostState, step: number): string[] {
  return Object.values(state.children)
    .filter((c) => c.status === 'faulted' && c.restartAt !== undefined && c.restartAt <= step)
    .map((c) => c.name)
    .sort(compareCodeUnits);
}

function sortedByName<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compareCodeUnits(a, b)));
}
