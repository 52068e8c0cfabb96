/**
 * The FIFO of children to update within a step (DESIGN §3.2). A child already queued collects
 * further changed ROM names instead of queueing twice; once taken, a new change queues it again.
 * Draining it in a loop is the step's trampoline: no update ever runs inside another.
 */
export class DirtyQueue {
  readonly #order: string[] = [];
  #head = 0;
  /**
   * Changed names by child; `undefined` means not queued. Entries are reset rather than deleted:
   * `Map.delete` and `Map.clear` cost ~0.5–1 µs each here, a fifth of a whole chain (bench/RESULTS.md).
   */
  readonly #changed = new Map<string, string[] | undefined>();
  /**
   * Past this many entries the map is cleared when the queue runs empty: family members come and
   * go by the million (a member's name is queued once and maybe never again), and must not leave
   * an entry each. Static children stay far below it, so their entries are reused as before.
   */
  static readonly COMPACT_AT = 4096;

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
      this.#order.length = 0;
      this.#head = 0;
      // Every entry is a reset one now: dropping them all costs one clear per COMPACT_AT new names.
      if (this.#changed.size > DirtyQueue.COMPACT_AT) this.#changed.clear();
      return undefined;
    }
    const child = this.#order[this.#head++]!;
    const changed = this.#changed.get(child)!;
    this.#changed.set(child, undefined);
    return { child, changed };
  }

  /** Children still waiting, in order. */
  pending(): string[] {
    return this.#order.slice(this.#head);
  }

  /** Entries kept, queued or not: what COMPACT_AT bounds between steps. */
  get size(): number {
    return this.#changed.size;
  }

  clear(): void {
    this.#order.length = 0;
    this.#head = 0;
    this.#changed.clear();
  }
}
