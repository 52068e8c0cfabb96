import { Kvm, KvWatchInclude, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { compareCodeUnits } from '../code-unit-order.js';
import { fail } from '../errors.js';
import { encodeKey, decodeKey } from '../store/nats-keys.js';

/**
 * The hosts of a cluster and whether each is alive: a heartbeat per host in a KV bucket (file
 * storage), renewed every third of the lease by revision (an update that fails means another
 * process writes under this host's name). nats-server 2.9 has no per-key TTL, so every host
 * checks expiry itself, on its own clock: a host whose heartbeat it has not seen change for a
 * whole lease has lapsed. Only placement reads this clock; nothing a child sees or a report
 * routes depends on it. A host that leaves deletes its heartbeat, and lapses at once.
 */
export class Membership {
  /** Per host: the revision of its heartbeat last seen, and when (performance.now()) it changed. */
  readonly #seen = new Map<string, { revision: number; at: number }>();
  readonly #lapsed = new Set<string>();
  #revision = 0;
  #beats = 0;
  #timer: NodeJS.Timeout | undefined;
  #watch: { stop(): void } | undefined;
  #closed = false;

  private constructor(
    private readonly kv: KV,
    readonly host: string,
    readonly leaseMs: number,
    private readonly onLapse: (host: string) => void,
  ) {}

  /** Joins the cluster as `host`: its heartbeat written, the others' watched. `onLapse` hears of each host that lapses or leaves. */
  static async join(nc: NatsConnection, prefix: string, host: string, leaseMs: number, onLapse: (host: string) => void): Promise<Membership> {
    const kv = await new Kvm(nc).create(`${prefix}-hosts`, { history: 1, storage: 'file' });
    const membership = new Membership(kv, host, leaseMs, onLapse);
    await membership.#start();
    return membership;
  }

  async #start(): Promise<void> {
    this.#revision = await this.kv.put(encodeKey(this.host), this.#beat());
    const watch = await this.kv.watch({ include: KvWatchInclude.LastValue });
    this.#watch = watch;
    // Every heartbeat there now is known before join resolves (this host's own is among them, so
    // there is at least one, and `delta` counts down to 0 on the last): a host that joins must
    // never take another that is alive for gone because the watch had not told of it yet.
    let loaded!: () => void;
    const initial = new Promise<void>((done) => (loaded = done));
    void (async () => {
      for await (const e of watch) {
        if (e.delta === 0) loaded();
        const host = decodeKey(e.key);
        if (e.operation !== 'PUT') {
          this.#seen.delete(host);
          if (host !== this.host) this.#lapse(host);
          continue;
        }
        const was = this.#seen.get(host);
        if (was?.revision !== e.revision) this.#seen.set(host, { revision: e.revision, at: performance.now() });
        this.#lapsed.delete(host);
      }
    })();
    this.#timer = setInterval(() => void this.#tick(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.#timer.unref();
    await initial;
  }

  /** The hosts alive now, this one included, sorted by name. */
  live(): string[] {
    const now = performance.now();
    const hosts = [...this.#seen].filter(([host, s]) => host === this.host || now - s.at < this.leaseMs).map(([host]) => host);
    if (!hosts.includes(this.host)) hosts.push(this.host);
    return hosts.sort(compareCodeUnits);
  }

  alive(host: string): boolean {
    if (host === this.host) return true;
    const s = this.#seen.get(host);
    return s !== undefined && performance.now() - s.at < this.leaseMs;
  }

  /** Renews this host's heartbeat and tells of every host whose lease ran out since the last tick. */
  async #tick(): Promise<void> {
    if (this.#closed) return;
    try {
      this.#revision = await this.kv.update(encodeKey(this.host), this.#beat(), this.#revision);
    } catch (e) {
      if (this.#closed) return;
      this.close().catch(() => undefined);
      fail('cluster-host-taken', { host: this.host, reason: (e as Error).message });
    }
    for (const host of this.#seen.keys()) if (!this.alive(host)) this.#lapse(host);
  }

  #lapse(host: string): void {
    if (this.#lapsed.has(host)) return;
    this.#lapsed.add(host);
    this.onLapse(host);
  }

  #beat(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify({ host: this.host, beat: ++this.#beats }));
  }

  /** Stops renewing and leaves: the other hosts take this one's children over at once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#watch?.stop();
    await this.kv.delete(encodeKey(this.host), { previousSeq: this.#revision }).catch(() => undefined);
  }
}
