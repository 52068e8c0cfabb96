import type { JournalEntry } from '../journal/index.js';
import { RomhostError } from '../errors.js';
import type { Store, StoredChild } from './store.js';

/** What the writer has heard since its last write: the next batch. */
interface Pending {
  journal: JournalEntry[];
  values: Map<string, Uint8Array>;
  children: Map<string, StoredChild | null>;
  accepted: number | undefined;
  /** Component bytes the batch's steps ran, read from their files: kept before the batch that names them. */
  components: Promise<Uint8Array | undefined>[];
  /** The last step that ended: the batch covers every step up to it. */
  step: number;
}

/**
 * Group commit: gathers what steps did into one batch and writes it; steps that end while a write
 * is under way go in the next one, so a store that takes a millisecond per durable write still
 * keeps up with steps that take microseconds. One write at a time, in order, so the store only
 * ever holds whole steps: a crash leaves it at a step boundary.
 */
export class StoreWriter {
  #pending: Pending = empty(0);
  /** Steps durable so far. */
  #durable = 0;
  #writing: Promise<void> | undefined;
  /** Who waits for which step, in step order. */
  readonly #waiting: { step: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  /** A write failed: nothing after it can be durable, as the store may have lost part of what came before. */
  #failed: RomhostError | undefined;

  constructor(private readonly store: Store) {}

  journal(entry: JournalEntry): void {
    this.#pending.journal.push(entry);
  }

  /** A source's new value; a later one in the same batch replaces it. */
  value(source: string, content: Uint8Array): void {
    this.#pending.values.set(source, content);
  }

  child(name: string, child: StoredChild | null): void {
    this.#pending.children.set(name, child);
  }

  accepted(count: number): void {
    this.#pending.accepted = count;
  }

  /** A component a step ran (its bytes, once read; undefined when they could not be): kept by hash before the step's batch. */
  component(bytes: Promise<Uint8Array | undefined>): void {
    this.#pending.components.push(bytes);
  }

  /** `step` has ended: resolves once it is durable. */
  durable(step: number): Promise<void> {
    if (this.#failed) return Promise.reject(this.#failed);
    this.#pending.step = step;
    const done = new Promise<void>((resolve, reject) => this.#waiting.push({ step, resolve, reject }));
    this.#write();
    return done;
  }

  /** Resolves once every step that ended is durable (or the writer failed). */
  async idle(): Promise<void> {
    while (this.#writing) await this.#writing.catch(() => undefined);
  }

  #write(): void {
    if (this.#writing || this.#failed || this.#pending.step === this.#durable) return;
    const batch = this.#pending;
    this.#pending = empty(batch.step);
    this.#writing = this.#putComponents(batch.components)
      .then(() =>
        this.store.write({
          journal: batch.journal,
          values: batch.values,
          children: batch.children,
          ...(batch.accepted === undefined ? {} : { accepted: batch.accepted }),
        }),
      )
      .then(
        () => {
          this.#durable = batch.step;
          this.#settle(batch.step, undefined);
        },
        (e: unknown) => {
          this.#failed = new RomhostError('store-write-failed', { store: this.store.location, reason: e instanceof Error ? e.message : String(e) }, { cause: e });
          this.#settle(Infinity, this.#failed);
        },
      )
      .finally(() => {
        this.#writing = undefined;
        this.#write();
      });
  }

  async #putComponents(components: readonly Promise<Uint8Array | undefined>[]): Promise<void> {
    for (const bytes of await Promise.all(components)) if (bytes) await this.store.putComponent(bytes);
  }

  #settle(upTo: number, error: RomhostError | undefined): void {
    while (this.#waiting.length > 0 && this.#waiting[0]!.step <= upTo) {
      const waiter = this.#waiting.shift()!;
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  }
}

const empty = (step: number): Pending => ({ journal: [], values: new Map(), children: new Map(), accepted: undefined, components: [], step });

