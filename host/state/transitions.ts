import { produce } from 'immer';
import type { ChildState, Fault, HostState } from './host-state.js';

/** Pure transitions of the host state: each takes a snapshot and returns the next. */

export const stepTaken = (state: HostState): HostState =>
  produce(state, (s) => {
    s.step += 1;
  });

export const scenarioApplied = (state: HostState, file: string, children: readonly ChildState[]): HostState =>
  produce(state, (s) => {
    s.scenario = file;
    // Rebuilt in name order so that iterating the record is deterministic.
    s.children = Object.fromEntries([...children].sort((a, b) => compare(a.name, b.name)).map((c) => [c.name, c]));
  });

export const childFaulted = (state: HostState, fault: Fault & { child: string }): HostState =>
  produce(state, (s) => {
    const child = s.children[fault.child];
    if (child) {
      child.status = 'faulted';
      child.fault = fault;
    }
  });

/** Code-unit order, never locale order: the same on every machine. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
