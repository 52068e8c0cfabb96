import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { isWrongLastSequence } from '../store/nats-jetstream.js';
import { decodeKey, encodeKey } from '../store/nats-keys.js';
import { watchBucket } from './kv-watch.js';

/**
 * A child as the cluster keeps it: who owns it, and a checkpoint from which any host can go on
 * with it. `reports` and `roms` are the values as they were once the input at `seq` had been
 * handled: the child's reports, and the values of the inputs it routes. Its owner writes one
 * after each step that changed a report of the child, as one KV value, so it is whole or absent.
 */
export interface ChildRecord {
  readonly host: string;
  readonly seq: number;
  /** By report name. */
  readonly reports: Readonly<Record<string, Uint8Array>>;
  /** By source (`input/NAME`). */
  readonly roms: Readonly<Record<string, Uint8Array>>;
}

interface Cached {
  readonly record: ChildRecord;
  readonly revision: number;
}

/**
 * The children of a cluster in a KV bucket (file storage), one key per child: ownership and
 * checkpoint in one value, so that ownership moves by revision (`create` of a new child has one
 * winner; a takeover is an `update` at the revision its taker saw) and an owner that lost a child
 * finds out at its next checkpoint, whose `update` then fails: a fence, for free. Every host
 * watches the bucket: that is how the reports of a child reach the hosts that route them.
 */
export class ChildRecords {
  readonly #cache = new Map<string, Cached>();

  private constructor(
    private readonly kv: KV,
    private readonly onChange: (child: string, record: ChildRecord, before: ChildRecord | undefined) => void,
  ) {}

  /** The bucket of the cluster `prefix`, its records loaded; `onChange` hears of each record another host writes from then on, as this host learns of it (by the watch, or by reading it after a refused write). */
  static async open(nc: NatsConnection, prefix: string, onChange: (child: string, record: ChildRecord, before: ChildRecord | undefined) => void): Promise<ChildRecords> {
    const kv = await new Kvm(nc).create(`${prefix}-children`, { history: 1, storage: 'file' });
    const records = new ChildRecords(kv, onChange);
    await records.#watch();
    return records;
  }

  async #watch(): Promise<void> {
    await watchBucket(this.kv, (e, initial) => {
      if (e.operation !== 'PUT') return;
      const child = decodeKey(e.key);
      const before = this.#cache.get(child);
      // Our own writes come back too: the cache has them already, at their revision or later.
      if (before && before.revision >= e.revision) return;
      const record = decodeRecord(e.value);
      this.#cache.set(child, { record, revision: e.revision });
      if (!initial) this.onChange(child, record, before?.record);
    });
  }

  get(child: string): ChildRecord | undefined {
    return this.#cache.get(child)?.record;
  }

  /** Every record known, in no order. */
  entries(): IterableIterator<[string, Cached]> {
    return this.#cache.entries();
  }

  /** Claims a child no host has claimed yet. False when another got there first (its record is then known). */
  async claim(child: string, record: ChildRecord): Promise<boolean> {
    try {
      const revision = await this.kv.create(encodeKey(child), encodeRecord(record));
      this.#cache.set(child, { record, revision });
      return true;
    } catch (e) {
      if (!isWrongLastSequence(e)) throw e;
      await this.#refresh(child);
      return false;
    }
  }

  /** Takes over a child from `from` (a host that lapsed), at the revision last seen. False when another host moved first. */
  async take(child: string, record: ChildRecord): Promise<boolean> {
    const seen = this.#cache.get(child);
    return seen !== undefined && this.#update(child, record, seen.revision);
  }

  /** Writes the owner's checkpoint. False when the child has another owner now: this host lost it. */
  async save(child: string, record: ChildRecord): Promise<boolean> {
    const seen = this.#cache.get(child);
    return seen !== undefined && seen.record.host === record.host && this.#update(child, record, seen.revision);
  }

  async #update(child: string, record: ChildRecord, revision: number): Promise<boolean> {
    try {
      const next = await this.kv.update(encodeKey(child), encodeRecord(record), revision);
      this.#cache.set(child, { record, revision: next });
      return true;
    } catch (e) {
      // Only a write refused for its revision means another host moved first; anything else (a
      // timeout) stops this host, whose children the others then take from their last checkpoints.
      if (!isWrongLastSequence(e)) throw e;
      await this.#refresh(child);
      return false;
    }
  }

  /**
   * Reads a child's record as it is now, after a write refused for its revision: another host's,
   * which `onChange` hears of as if the watch had brought it (the watch, when it does bring it,
   * finds it known already and tells nothing).
   */
  async #refresh(child: string): Promise<void> {
    const e = await this.kv.get(encodeKey(child));
    const before = this.#cache.get(child);
    if (!e || e.operation !== 'PUT' || (before && before.revision >= e.revision)) return;
    const record = decodeRecord(e.value);
    this.#cache.set(child, { record, revision: e.revision });
    this.onChange(child, record, before?.record);
  }
}

type Wire = { host: string; seq: number; reports: Record<string, string>; roms: Record<string, string> };

const b64 = (values: Readonly<Record<string, Uint8Array>>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
const bytes = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]));

export function encodeRecord(r: ChildRecord): Uint8Array {
  const wire: Wire = { host: r.host, seq: r.seq, reports: b64(r.reports), roms: b64(r.roms) };
  return new TextEncoder().encode(JSON.stringify(wire));
}

export function decodeRecord(data: Uint8Array): ChildRecord {
  const wire = JSON.parse(new TextDecoder().decode(data)) as Wire;
  return { host: wire.host, seq: wire.seq, reports: bytes(wire.reports), roms: bytes(wire.roms) };
}
