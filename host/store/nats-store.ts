import { StorageType } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { compareCodeUnits } from '../code-unit-order.js';
import { fail } from '../errors.js';
import type { JournalEntry } from '../journal/index.js';
import { checkSteps, sha256 } from './memory-store.js';
import { decodeBatch, encodeBatch, type DecodedBatch } from './nats-batch-codec.js';
import { NatsBatchLog } from './nats-batch-log.js';
import { decodeKey, encodeKey } from './nats-keys.js';
import type { Store, StoreBatch, StoredChild } from './store.js';

/** How far the KV view has caught up with the journal stream, kept in the meta bucket under `applied`. */
interface Marker {
  /** The last part of the last batch applied. */
  readonly seq: number;
  /** The journal's last step then. */
  readonly step: number;
  readonly accepted: number;
}

const NONE: Marker = { seq: 0, step: 0, accepted: 0 };
/** Values read from the KV at once by `values()` and `children()`: round trips overlap, memory stays bounded. */
const WINDOW = 128;

/**
 * A store on NATS JetStream (DESIGN §7), named by a prefix so that several share one server:
 * `PREFIX-journal`, a stream whose messages are whole batches (NatsBatchLog), is the write-ahead
 * log and the journal; the KV buckets `PREFIX-values` (ROM values by source), `PREFIX-children`
 * and `PREFIX-meta` (the `applied` marker, with `accepted` and the last step) are a view of it;
 * the object store `PREFIX-components` keeps component bytes by SHA-256, in chunks.
 *
 * A write is committed once JetStream has acknowledged its batch in the stream, then applied to
 * the KV view, marker last; it resolves after both. A crash between the two leaves a committed
 * batch past the marker, which the next `open` applies: all of a batch or none of it. One writer
 * per prefix: a second one's write fails with `store-shared`.
 *
 * Durable, here, means stored by the server (file storage, one replica): a crash of the host
 * loses no acknowledged write. nats-server 2.9 flushes its files to disk on its own schedule
 * (about once a minute), so a power loss can; newer servers take `sync_interval: always` in their
 * configuration file to flush each write (docs/store.md).
 */
export class NatsStore implements Store {
  readonly location: string;
  #marker: Marker = NONE;
  /** Writes run one at a time, in the order made: each appends after the one before. */
  #writes: Promise<unknown> = Promise.resolve();
  /** A write failed after it reached the server: what is committed is unknown until a reopen recovers it. */
  #broken: unknown;

  private constructor(
    readonly url: string,
    readonly prefix: string,
    private readonly nc: NatsConnection,
    private readonly log: NatsBatchLog,
    private readonly kv: { readonly values: KV; readonly children: KV; readonly meta: KV },
    private readonly components: ObjectStore,
  ) {
    this.location = storeLocation(url, prefix);
  }

  /** Connects to the server at `url` (`nats://HOST:PORT`; it needs JetStream: `nats-server -js`), creating what is missing, and applies any batch committed but not applied. */
  static async open(url: string, options: { prefix?: string } = {}): Promise<NatsStore> {
    const prefix = options.prefix ?? 'romhost';
    const where = `${url} (prefix ${prefix})`;
    if (!/^[A-Za-z0-9_-]+$/.test(prefix)) {
      fail('store-unopenable', { dir: where, reason: `the prefix names NATS streams and buckets: use letters, digits, '-' and '_'` });
    }
    const nc = await connect({ servers: url, name: 'romhost' }).catch((e: unknown) =>
      fail('store-unopenable', { dir: url, reason: `no NATS server answers there (${(e as Error).message}): start one with JetStream, nats-server -js -sd DIR` }, e),
    );
    try {
      const log = await NatsBatchLog.open(nc, prefix, storeLocation(url, prefix));
      const kvm = new Kvm(nc);
      const bucket = (name: string) => kvm.create(`${prefix}-${name}`, { storage: StorageType.File, history: 1 });
      const kv = { values: await bucket('values'), children: await bucket('children'), meta: await bucket('meta') };
      const components = await new Objm(nc).create(`${prefix}-components`, { storage: StorageType.File });
      const store = new NatsStore(url, prefix, nc, log, kv, components);
      store.#marker = await store.#readMarker();
      for await (const { seq, batch } of log.batches(store.#marker.seq + 1)) await store.#apply(seq, batch);
      return store;
    } catch (e) {
      await nc.close();
      const reason = (e as Error).name === 'JetStreamNotEnabled' ? 'the NATS server there has no JetStream: start it with -js -sd DIR' : (e as Error).message;
      return fail('store-unopenable', { dir: where, reason }, e);
    }
  }

  write(batch: StoreBatch): Promise<void> {
    const bytes = encodeBatch(batch);
    const done = this.#writes.then(() => this.#write(bytes, batch.journal ?? []));
    this.#writes = done.catch(() => undefined);
    return done;
  }

  async #write(bytes: Uint8Array, journal: readonly JournalEntry[]): Promise<void> {
    if (this.#broken) throw this.#broken;
    checkSteps(this.#marker.step, journal);
    try {
      const seq = await this.log.append(bytes, journal.at(-1)?.step ?? this.#marker.step);
      // Applied from its bytes, as recovery would: what the KV view gets is what the stream holds.
      await this.#apply(seq, decodeBatch(bytes));
    } catch (e) {
      this.#broken = e;
      throw e;
    }
  }

  /** Brings the KV view up to the batch ending at `seq`. Puts of one batch overlap; the marker goes last, so a crash before it means the batch is applied again. */
  async #apply(seq: number, batch: DecodedBatch): Promise<void> {
    const { values, children, meta } = this.kv;
    await Promise.all([
      ...[...batch.values].map(([source, value]) => (value === null ? values.delete(encodeKey(source)) : values.put(encodeKey(source), value))),
      ...[...batch.children].map(([name, child]) => (child === null ? children.delete(encodeKey(name)) : children.put(encodeKey(name), JSON.stringify(child)))),
    ]);
    const marker = { seq, step: batch.journal.at(-1)?.step ?? this.#marker.step, accepted: batch.accepted ?? this.#marker.accepted };
    await meta.put('applied', JSON.stringify(marker));
    this.#marker = marker;
  }

  async #readMarker(): Promise<Marker> {
    const entry = await this.kv.meta.get('applied');
    return entry?.operation === 'PUT' ? entry.json<Marker>() : NONE;
  }

  async value(source: string): Promise<Uint8Array | undefined> {
    const entry = await this.kv.values.get(encodeKey(source));
    return entry?.operation === 'PUT' ? plain(entry.value) : undefined;
  }

  values(): AsyncIterable<readonly [string, Uint8Array]> {
    return sortedEntries(this.kv.values, (source) => this.value(source));
  }

  async *journal(fromStep = 0): AsyncIterable<JournalEntry> {
    for await (const { batch } of this.log.batches(await this.log.startOf(fromStep))) {
      for (const entry of batch.journal) if (entry.step >= fromStep) yield entry;
    }
  }

  async lastStep(): Promise<number> {
    return (await this.#readMarker()).step;
  }

  async accepted(): Promise<number> {
    return (await this.#readMarker()).accepted;
  }

  async child(name: string): Promise<StoredChild | undefined> {
    const entry = await this.kv.children.get(encodeKey(name));
    return entry?.operation === 'PUT' ? entry.json<StoredChild>() : undefined;
  }

  children(): AsyncIterable<readonly [string, StoredChild]> {
    return sortedEntries(this.kv.children, (name) => this.child(name));
  }

  async putComponent(bytes: Uint8Array): Promise<string> {
    const hash = sha256(bytes);
    // The object store publishes an object's description after all of its chunks: one cut short is not there.
    if ((await this.components.info(hash)) === null) await this.components.putBlob({ name: hash }, bytes);
    return hash;
  }

  async component(hash: string): Promise<Uint8Array | undefined> {
    const bytes = await this.components.getBlob(hash);
    return bytes === null ? undefined : plain(bytes);
  }

  async close(): Promise<void> {
    await this.#writes;
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}

const storeLocation = (url: string, prefix: string) => `nats at ${url} (prefix ${prefix})`;

/** The client hands out Buffers over its own memory; callers get plain Uint8Arrays of their own, as from every store. */
const plain = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes);

/** A bucket's live entries, sorted by their decoded names (UTF-16 code units): the keys first, then the values a window at a time. */
async function* sortedEntries<T>(bucket: KV, get: (name: string) => Promise<T | undefined>): AsyncIterable<readonly [string, T]> {
  const names: string[] = [];
  for await (const key of await bucket.keys()) names.push(decodeKey(key));
  names.sort(compareCodeUnits);
  for (let i = 0; i < names.length; i += WINDOW) {
    const window = names.slice(i, i + WINDOW);
    const found = await Promise.all(window.map(get));
    for (const [j, name] of window.entries()) if (found[j] !== undefined) yield [name, found[j]!] as const;
  }
}
