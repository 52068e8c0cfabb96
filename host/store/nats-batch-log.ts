import {
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type StoredMsg,
} from '@nats-io/jetstream';
import { headers, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { ensureStream, isWrongLastSequence } from './nats-jetstream.js';
import { fail } from '../errors.js';
import { decodeBatch, type DecodedBatch } from './nats-batch-codec.js';

/** `i/n`: the message is part i of a batch of n parts. */
const PART = 'Romhost-Part';
/** The journal's last step once the batch is in: what `startOf` searches by. */
const STEP = 'Romhost-Step';
/** Room left in each message for its headers and the protocol's line. */
const HEADROOM = 1024;

/** A batch the stream holds whole: committed. `seq` is its last part's. */
export interface CommittedBatch {
  readonly seq: number;
  readonly batch: DecodedBatch;
}

/**
 * The NATS store's write-ahead log: a JetStream stream (file storage) whose messages are whole
 * batches (nats-batch-codec.ts). A batch larger than the server's max_payload goes in parts, one
 * message each, headed `Romhost-Part: i/n`; a batch is committed once JetStream has acknowledged
 * its last part, and a reader yields only batches with all their parts (a writer that died
 * halfway leaves parts no reader yields). Every part is published expecting the stream's last
 * sequence to be the one this log last saw: a second writer on the stream fails instead of
 * interleaving. Low-level on purpose: NatsStore applies what it appends, and tests append here
 * directly to leave a committed batch unapplied, as a crash between the two would.
 */
export class NatsBatchLog {
  readonly #stream: string;
  readonly #subject: string;
  #lastSeq: number;

  private constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly location: string,
    private readonly partSize: number,
    prefix: string,
    lastSeq: number,
  ) {
    this.#stream = `${prefix}-journal`;
    this.#subject = `${prefix}.journal`;
    this.#lastSeq = lastSeq;
  }

  /** The log of the store named `prefix` (created when missing); `location` names the store in errors. */
  static async open(nc: NatsConnection, prefix: string, location: string): Promise<NatsBatchLog> {
    const jsm = await jetstreamManager(nc);
    const stream = `${prefix}-journal`;
    const subject = `${prefix}.journal`;
    const info = await ensureStream(jsm, stream, subject);
    return new NatsBatchLog(jetstream(nc), jsm, location, nc.info!.max_payload - HEADROOM, prefix, info.state.last_seq);
  }

  /** Appends one encoded batch after which the journal's last step is `step`; resolves with its last part's sequence once committed. */
  async append(bytes: Uint8Array, step: number): Promise<number> {
    const parts = Math.max(1, Math.ceil(bytes.byteLength / this.partSize));
    for (let i = 0; i < parts; i++) {
      const part = bytes.subarray(i * this.partSize, (i + 1) * this.partSize);
      try {
        const ack = await this.js.publish(this.#subject, part, { headers: partHeaders(i + 1, parts, step), expect: { lastSequence: this.#lastSeq } });
        this.#lastSeq = ack.seq;
      } catch (e) {
        if (isWrongLastSequence(e)) {
          return fail('store-shared', { store: this.location, seq: this.#lastSeq }, e);
        }
        throw e;
      }
    }
    return this.#lastSeq;
  }

  /** Every committed batch from sequence `fromSeq` on, in order, to the stream's end when called: read with an ordered consumer, a few at a time. */
  async *batches(fromSeq: number): AsyncIterable<CommittedBatch> {
    const { last_seq: last, messages: count } = (await this.jsm.streams.info(this.#stream)).state;
    if (count === 0 || fromSeq > last) return;
    const consumer = await this.js.consumers.get(this.#stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: fromSeq });
    const messages = await consumer.consume({ max_bytes: 8 * 1024 * 1024 });
    try {
      let parts: Uint8Array[] = [];
      for await (const m of messages) {
        const [i, n] = partOf(m.headers);
        // A part 1 starts a batch; a part that does not follow its predecessor is left by a writer that died halfway.
        if (i === 1) parts = [];
        if (i === parts.length + 1) parts.push(m.data);
        else parts = [];
        if (i === n && parts.length === n) yield { seq: m.seq, batch: decodeBatch(parts.length === 1 ? parts[0]! : Buffer.concat(parts)) };
        if (m.seq >= last) break;
      }
    } finally {
      await messages.close();
    }
  }

  /**
   * Where to start reading for the journal from step `step`: the first part of the first batch
   * whose `Romhost-Step` reaches it, found by bisection over gets by sequence. Batches before it hold
   * only earlier steps; an incomplete batch may break the order of the headers, but only after
   * the complete batch it repeats the steps of, so the search never lands past the one it seeks.
   */
  async startOf(step: number): Promise<number> {
    const { first_seq, last_seq, messages } = (await this.jsm.streams.info(this.#stream)).state;
    // Every entry's step is 1 or more; an empty stream has no sequence 0 to ask for.
    if (step <= 1 || messages === 0) return first_seq;
    let [lo, hi] = [first_seq, last_seq + 1];
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (Number((await this.#message(mid)).header.get(STEP)) >= step) hi = mid;
      else lo = mid + 1;
    }
    return lo > last_seq ? lo : lo - (partOf((await this.#message(lo)).header)[0] - 1);
  }

  async #message(seq: number): Promise<StoredMsg> {
    const message = await this.jsm.streams.getMessage(this.#stream, { seq });
    if (message === null) throw new Error(`the ${this.location} lost message ${seq} of its journal stream`);
    return message;
  }
}

function partHeaders(i: number, n: number, step: number): MsgHdrs {
  const h = headers();
  h.set(PART, `${i}/${n}`);
  h.set(STEP, String(step));
  return h;
}

function partOf(h: MsgHdrs | undefined): [number, number] {
  const [i, n] = (h?.get(PART) ?? '').split('/').map(Number);
  return [i ?? 0, n ?? 0];
}
