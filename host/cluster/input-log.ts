import {
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { ensureStream } from '../store/nats-jetstream.js';

/** An input as the log holds it: its place in the cluster's one order, its ROM, its bytes. */
export interface LoggedInput {
  readonly seq: number;
  /** `input/NAME` */
  readonly source: string;
  readonly content: Uint8Array;
}

const SOURCE = 'Romhost-Source';

/**
 * The cluster's input log: one JetStream stream (file storage) that every input goes into,
 * whichever host accepted it. Its sequence is the cluster's one order of inputs (DESIGN §3.2):
 * every host reads the whole log in that order, and a child taken over is caught up from it. An
 * input is acknowledged once JetStream has stored it (on nats-server 2.9, flushed to disk on the
 * server's own schedule; docs/cluster.md).
 */
export class InputLog {
  private constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
    private readonly subject: string,
  ) {}

  static async open(nc: NatsConnection, prefix: string): Promise<InputLog> {
    const jsm = await jetstreamManager(nc);
    const stream = `${prefix}-inputs`;
    const subject = `${prefix}.inputs`;
    await ensureStream(jsm, stream, subject);
    return new InputLog(jetstream(nc), jsm, stream, subject);
  }

  /** Appends an input; resolves with its sequence once JetStream has stored it: the acknowledgement. */
  async append(source: string, content: Uint8Array): Promise<number> {
    const h = headers();
    h.set(SOURCE, source);
    return (await this.js.publish(this.subject, content, { headers: h })).seq;
  }

  /** The sequence of the last input in the log; 0 when it is empty. */
  async lastSeq(): Promise<number> {
    return (await this.jsm.streams.info(this.stream)).state.last_seq;
  }

  /** The inputs from `from` to `to` (both included), in order. */
  async *read(from: number, to: number): AsyncIterable<LoggedInput> {
    if (from > to) return;
    const following = await this.follow(from);
    try {
      for await (const input of following.inputs) {
        yield input;
        if (input.seq >= to) return;
      }
    } finally {
      await following.stop();
    }
  }

  /**
   * Every input from `from` on, in order, waiting for new ones at the end, until `stop`: which
   * ends the iteration even while it waits (an async generator's `return` would wait for the next input).
   */
  async follow(from: number): Promise<{ inputs: AsyncIterable<LoggedInput>; stop(): Promise<void> }> {
    const consumer = await this.js.consumers.get(this.stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Math.max(1, from) });
    const messages = await consumer.consume({ max_bytes: 8 * 1024 * 1024 });
    async function* inputs(): AsyncIterable<LoggedInput> {
      for await (const m of messages) yield { seq: m.seq, source: m.headers?.get(SOURCE) ?? '', content: m.data };
    }
    // stop() ends the iteration at once; waiting for close() would also wait for a pull under way.
    return { inputs: inputs(), stop: async () => messages.stop() };
  }
}
