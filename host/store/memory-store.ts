import { createHash } from 'node:crypto';
import { compareCodeUnits } from '../code-unit-order.js';
import type { JournalEntry } from '../journal/index.js';
import type { Store, StoreBatch, StoredChild } from './store.js';

/** A store in this process's memory: gone with it. For tests, and hosts that need no durability. */
export class MemoryStore implements Store {
  readonly location = 'memory';
  readonly #values = new Map<string, Uint8Array>();
  readonly #journal: JournalEntry[] = [];
  readonly #children = new Map<string, StoredChild>();
  readonly #components = new Map<string, Uint8Array>();
  #accepted = 0;

  async write(batch: StoreBatch): Promise<void> {
    checkSteps(this.#journal.at(-1)?.step ?? 0, batch.journal ?? []);
    // One by one: a step may cause more entries than a call takes arguments.
    for (const entry of batch.journal ?? []) this.#journal.push(entry);
    for (const [source, value] of batch.values ?? []) value === null ? this.#values.delete(source) : this.#values.set(source, value.slice());
    for (const [name, child] of batch.children ?? []) child === null ? this.#children.delete(name) : this.#children.set(name, child);
    if (batch.accepted !== undefined) this.#accepted = batch.accepted;
  }

  async accepted(): Promise<number> {
    return this.#accepted;
  }

  async value(source: string): Promise<Uint8Array | undefined> {
    return this.#values.get(source);
  }

  async *values(): AsyncIterable<readonly [string, Uint8Array]> {
    yield* [...this.#values].sort(([a], [b]) => compareCodeUnits(a, b));
  }

  async *journal(fromStep = 0): AsyncIterable<JournalEntry> {
    yield* this.#journal.filter((e) => e.step >= fromStep);
  }

  async lastStep(): Promise<number> {
    return this.#journal.at(-1)?.step ?? 0;
  }

  async child(name: string): Promise<StoredChild | undefined> {
    return this.#children.get(name);
  }

  async *children(): AsyncIterable<readonly [string, StoredChild]> {
    yield* [...this.#children].sort(([a], [b]) => compareCodeUnits(a, b));
  }

  async putComponent(bytes: Uint8Array): Promise<string> {
    const hash = sha256(bytes);
    if (!this.#components.has(hash)) this.#components.set(hash, bytes.slice());
    return hash;
  }

  async component(hash: string): Promise<Uint8Array | undefined> {
    return this.#components.get(hash);
  }

  async close(): Promise<void> {}
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A journal only grows forward: a batch whose steps go back is a bug of its writer. */
export function checkSteps(last: number, entries: readonly JournalEntry[]): void {
  for (const entry of entries) {
    if (entry.step < last) throw new RangeError(`the store's journal is at step ${last}: an entry of step ${entry.step} cannot follow`);
    last = entry.step;
  }
}
