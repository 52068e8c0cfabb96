/**
 * The FIFO of children to update within a step (DESIGN §3.2). A child already queued collects
 * further changed ROM names instead of queueing twice; once taken, a new change queues it again.
 * Draining it in a loop is the step's trampoline: no update ever runs inside another.
 */
export class DirtyQueue {
  #order: string[] = [];
  #head = 0;
  readonly #changed = new Map<string, string[]>();

  /** Queues `child` with `rom` among its changed names; with no `rom`, queues it with none (a start). */
  mark(child: string, rom?: string): void {
    const names = this.#changed.get(child);
    if (names === undefined) {
      this.#changed.set(child, rom === undefined ? [] : [rom]);
      this.#order.push(child);
    } else if (rom !== undefined && !names.includes(rom)) {
      names.push(rom);
    }
  }

  take(): { child: string; changed: string[] } | undefined {
    if (this.#head === this.#order.length) {
      if (this.#head > 0) this.clear();
      return undefined;
    }
    const child = this.#order[this.#head++]!;
    const changed = this.#changed.get(child)!;
    this.#changed.delete(child);
    return { child, changed };
  }

  /** Children still waiting, in order. */
  pending(): string[] {
    return this.#order.slice(this.#head);
  }

  clear(): void {
    this.#order = [];
    this.#head = 0;
    this.#changed.clear();
  }
}
