import { open, type Database, type RootDatabase } from 'lmdb';
import { compareCodeUnits } from '../code-unit-order.js';
import type { JournalEntry } from '../journal/index.js';
import { checkSteps, sha256 } from './memory-store.js';
import type { Store, StoreBatch, StoredChild } from './store.js';

/**
 * The embedded store: LMDB in a folder (its binary ships inside the npm package). A write is one
 * LMDB transaction, and resolves once LMDB has flushed it to disk (`flushed`): a write whose
 * promise resolved survives a crash of the process (and, as far as the disk keeps its word, of
 * the machine). Journal entries are keyed [step, n]: ordered, and found by step.
 */
export class LmdbStore implements Store {
  readonly location: string;
  readonly #root: RootDatabase;
  readonly #values: Database<Uint8Array, string>;
  readonly #journal: Database<JournalEntry, [number, number]>;
  readonly #children: Database<StoredChild, string>;
  readonly #components: Database<Uint8Array, string>;
  /** Counters of the store's life: `accepted`. */
  readonly #meta: Database<number, string>;
  /** The journal's last key: where the next entry goes. */
  #last: [number, number];

  private constructor(readonly dir: string) {
    this.location = `lmdb at ${dir}`;
    this.#root = open({ path: dir, compression: false });
    this.#values = this.#root.openDB({ name: 'values', encoding: 'binary' });
    this.#journal = this.#root.openDB({ name: 'journal', encoding: 'json' });
    this.#children = this.#root.openDB({ name: 'children', encoding: 'json' });
    this.#components = this.#root.openDB({ name: 'components', encoding: 'binary' });
    this.#meta = this.#root.openDB({ name: 'meta', encoding: 'json' });
    const last = [...this.#journal.getKeys({ reverse: true, limit: 1 })][0];
    this.#last = last ?? [0, -1];
  }

  static async open(dir: string): Promise<LmdbStore> {
    return new LmdbStore(dir);
  }

  async write(batch: StoreBatch): Promise<void> {
    const entries = batch.journal ?? [];
    checkSteps(this.#last[0], entries);
    let [step, n] = this.#last;
    const keys = entries.map((e): [number, number] => (e.step === step ? [step, ++n] : [(step = e.step), (n = 0)]));
    this.#last = [step, n];
    await this.#root.transaction(() => {
      entries.forEach((entry, i) => void this.#journal.put(keys[i]!, entry));
      for (const [source, value] of batch.values ?? []) void (value === null ? this.#values.remove(source) : this.#values.put(source, value));
      for (const [name, child] of batch.children ?? []) void (child === null ? this.#children.remove(name) : this.#children.put(name, child));
      if (batch.accepted !== undefined) void this.#meta.put('accepted', batch.accepted);
    });
    await this.#root.flushed;
  }

  async value(source: string): Promise<Uint8Array | undefined> {
    return plain(this.#values.get(source));
  }

  async *values(): AsyncIterable<readonly [string, Uint8Array]> {
    // LMDB orders string keys by their UTF-8 bytes; the contract is UTF-16 code units, which differ
    // only above the basic plane: sort what differs (sources are short ASCII names in practice).
    const all = [...this.#values.getRange()].map(({ key, value }) => [key, plain(value)!] as const);
    yield* all.sort(([a], [b]) => compareCodeUnits(a, b));
  }

  async *journal(fromStep = 0): AsyncIterable<JournalEntry> {
    for (const { value } of this.#journal.getRange({ start: [fromStep] })) yield value;
  }

  async lastStep(): Promise<number> {
    return this.#last[0];
  }

  async accepted(): Promise<number> {
    return this.#meta.get('accepted') ?? 0;
  }

  async child(name: string): Promise<StoredChild | undefined> {
    return this.#children.get(name);
  }

  async *children(): AsyncIterable<readonly [string, StoredChild]> {
    const all = [...this.#children.getRange()].map(({ key, value }) => [key, value] as const);
    yield* all.sort(([a], [b]) => compareCodeUnits(a, b));
  }

  async putComponent(bytes: Uint8Array): Promise<string> {
    const hash = sha256(bytes);
    if (this.#components.get(hash) === undefined) {
      await this.#components.put(hash, bytes);
      await this.#root.flushed;
    }
    return hash;
  }

  async component(hash: string): Promise<Uint8Array | undefined> {
    return plain(this.#components.get(hash));
  }

  async close(): Promise<void> {
    await this.#root.close();
  }
}

/** LMDB hands out Buffers (a copy per read); callers get plain Uint8Arrays, as from every store. */
function plain(buffer: Uint8Array | undefined): Uint8Array | undefined {
  return buffer && new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
