import type { JournalEntry } from '../journal/index.js';

/** A child as the store registers it: what it runs, and whether it is hibernating. */
export interface StoredChild {
  /** SHA-256 of its component (whose bytes the store keeps too). */
  readonly component: string;
  readonly hibernated: boolean;
}

/** What one write changes, all at once: a crash leaves all of it or none. */
export interface StoreBatch {
  /** Appended to the journal, in order (their steps never go back). */
  readonly journal?: readonly JournalEntry[];
  /** New ROM values by source; `null` forgets one. */
  readonly values?: ReadonlyMap<string, Uint8Array | null>;
  /** Registered children by name; `null` forgets one. */
  readonly children?: ReadonlyMap<string, StoredChild | null>;
  /**
   * How many inputs and commands (every accepted event but a scenario's apply) the host has
   * accepted so far, this batch's included: a client that lost its host resends from the next one.
   */
  readonly accepted?: number;
}

/**
 * Where a host keeps what must outlive it (DESIGN §7): ROM values, the journal, component bytes by
 * hash, the registry of children. Every implementation passes the same conformance suite
 * (test/support/store-conformance.ts). Reads of values and children see every write whose promise
 * resolved; a write resolves only once it is durable, as the implementation defines it (its docs
 * say what that means for it).
 */
export interface Store {
  /** Where it keeps things, for a person: `lmdb at ~/.romhost/store`, `memory`. */
  readonly location: string;
  write(batch: StoreBatch): Promise<void>;
  value(source: string): Promise<Uint8Array | undefined>;
  /** Every value, sorted by source (by UTF-16 code units). */
  values(): AsyncIterable<readonly [string, Uint8Array]>;
  /** The journal from the first entry of step `fromStep` (default: all), in order. */
  journal(fromStep?: number): AsyncIterable<JournalEntry>;
  /** The step of the journal's last entry; 0 when it is empty. */
  lastStep(): Promise<number>;
  /** The last `accepted` written; 0 when none was. */
  accepted(): Promise<number>;
  child(name: string): Promise<StoredChild | undefined>;
  /** Every registered child, sorted by name. */
  children(): AsyncIterable<readonly [string, StoredChild]>;
  /** Keeps a component's bytes; returns their SHA-256, its name from now on. */
  putComponent(bytes: Uint8Array): Promise<string>;
  component(hash: string): Promise<Uint8Array | undefined>;
  close(): Promise<void>;
}
