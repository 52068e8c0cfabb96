import { diffByName } from './reconcile.js';
import type { ChildSpec } from './types.js';

/** A child spec with the hash of the component its scenario names. */
export interface PlacedChild {
  readonly name: string;
  readonly spec: ChildSpec;
  readonly hash: string;
}

/** What applying a new scenario does to each child (DESIGN §3.6, live scenario changes). */
export interface ChildChanges {
  readonly start: readonly PlacedChild[];
  readonly stop: readonly PlacedChild[];
  /** Component, routes, reports or limits changed: a new instance. */
  readonly restart: readonly PlacedChild[];
  /** Only inline config or the restart policy changed: delivered to the running child, with the config ROMs that changed. */
  readonly reconfigure: readonly { readonly child: PlacedChild; readonly changedConfig: readonly string[] }[];
}

export function childChanges(before: readonly PlacedChild[], after: readonly PlacedChild[]): ChildChanges {
  const diff = diffByName(before, after, (a, b) => sameInstance(a, b) && changedConfig(a.spec, b.spec).length === 0 && sameJson(a.spec.restart, b.spec.restart));
  const restart: PlacedChild[] = [];
  const reconfigure: { child: PlacedChild; changedConfig: string[] }[] = [];
  for (const [was, now] of diff.changed) {
    if (sameInstance(was, now)) reconfigure.push({ child: now, changedConfig: changedConfig(was.spec, now.spec) });
    else restart.push(now);
  }
  return { start: diff.added, stop: diff.removed, restart, reconfigure };
}

/** Whether the running instance can stay: same component bytes, routes, reports and limits. */
function sameInstance(a: PlacedChild, b: PlacedChild): boolean {
  return a.hash === b.hash && sameJson(a.spec.roms, b.spec.roms) && sameJson(a.spec.reports, b.spec.reports) && sameJson(a.spec.limits, b.spec.limits);
}

/** Local config names whose value was added, removed or changed, in name order. */
function changedConfig(a: ChildSpec, b: ChildSpec): string[] {
  const names = [...new Set([...Object.keys(a.config), ...Object.keys(b.config)])].sort();
  return names.filter((name) => {
    const x = a.config[name];
    const y = b.config[name];
    return x === undefined || y === undefined ? x !== y : Buffer.compare(x, y) !== 0;
  });
}

/** Field order is file order: the same field set in another order counts as a change, which only costs a restart. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
