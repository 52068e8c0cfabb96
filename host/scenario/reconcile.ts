import { compareCodeUnits } from '../code-unit-order.js';

/**
 * One reconcile helper for every list that changes (after Genode's sandbox `update_list_model`):
 * two versions keyed by name in, what to create, destroy, update and keep out, in name order.
 */
export interface Diff<T> {
  readonly added: readonly T[];
  readonly removed: readonly T[];
  /** `[before, after]` pairs that `same` says differ. */
  readonly changed: readonly (readonly [T, T])[];
  readonly kept: readonly T[];
}

export function diffByName<T extends { readonly name: string }>(
  before: readonly T[],
  after: readonly T[],
  same: (a: T, b: T) => boolean,
): Diff<T> {
  const old = new Map(before.map((item) => [item.name, item]));
  const next = new Map(after.map((item) => [item.name, item]));
  const byName = (a: T, b: T) => compareCodeUnits(a.name, b.name);
  const added = after.filter((item) => !old.has(item.name)).sort(byName);
  const removed = before.filter((item) => !next.has(item.name)).sort(byName);
  const changed: (readonly [T, T])[] = [];
  const kept: T[] = [];
  for (const item of [...after].sort(byName)) {
    const was = old.get(item.name);
    if (was === undefined) continue;
    if (same(was, item)) kept.push(item);
    else changed.push([was, item]);
  }
  return { added, removed, changed, kept };
}
