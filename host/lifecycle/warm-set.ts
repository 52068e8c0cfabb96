import type { Child } from './child.js';

/**
 * The children that hold an instance, kept as they start and stop (not on every update: the update
 * path only stamps `Child.lastUpdate`), and which of them hibernate first when too many do: the
 * least recently updated, by those stamps alone, never by time. Victims are chosen a tenth of the
 * limit at a time by one sort, and handed out one by one as wakes need room, so that no step sorts
 * the set or drops a thousand instances.
 */
export class WarmSet {
  /** By name: the Child each was added with, so that a sort reads the stamps without a lookup per child. */
  readonly #children = new Map<string, Child>();
  /** The last sort's oldest, with their stamps then. */
  #victims: { readonly child: Child; readonly stamp: number }[] = [];
  #next = 0;

  /** `counted` hears each name that enters (+1) or leaves (-1): a family keeps its warm count by it. */
  constructor(private readonly counted: (name: string, delta: 1 | -1) => void) {}

  get size(): number {
    return this.#children.size;
  }

  /** A child with an instance; one that replaces another of its name (a swap) takes its place. */
  add(child: Child): void {
    const known = this.#children.has(child.name);
    this.#children.set(child.name, child);
    if (!known) this.counted(child.name, 1);
  }

  delete(name: string): void {
    if (this.#children.delete(name)) this.counted(name, -1);
  }

  /**
   * The least recently updated warm child of `children`: the next one of the last sort that nothing
   * has updated, stopped or replaced since (those are still older than every child the sort left
   * out); when none is left, the set is sorted anew, for `max` (the limit) warm children.
   */
  victim(max: number, children: ReadonlyMap<string, Child>): Child | undefined {
    for (let sorted = false; ; sorted = true) {
      while (this.#next < this.#victims.length) {
        const { child, stamp } = this.#victims[this.#next++]!;
        if (child.running && child.lastUpdate === stamp && this.#children.get(child.name) === child && children.get(child.name) === child) return child;
      }
      if (sorted) return undefined;
      const warm: Child[] = [];
      for (const [name, child] of [...this.#children]) {
        if (child.running) warm.push(child);
        else this.delete(name); // gone down some other way: a fault, a kill
      }
      warm.sort((a, b) => a.lastUpdate - b.lastUpdate);
      const count = Math.min(warm.length, Math.max(warm.length - max, Math.floor(max / 10)));
      this.#victims = warm.slice(0, count).map((child) => ({ child, stamp: child.lastUpdate }));
      this.#next = 0;
    }
  }
}
