import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { compareCodeUnits } from '../code-unit-order.js';
import { RomhostError } from '../errors.js';
import { encodeKey, decodeKey } from '../store/nats-keys.js';
import { isWrongLastSequence } from '../store/nats-jetstream.js';
import { watchBucket } from './kv-watch.js';

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
  #check: NodeJS.Timeout | undefined;
  #watch: { stop(): void } | undefined;
  #closed = false;
  #renewing = false;

  private constructor(
    private readonly kv: KV,
    readonly host: string,
    readonly leaseMs: number,
    private readonly onLapse: (host: string) => void,
    private readonly onTaken: (error: RomhostError) => void,
  ) {}

  /** Joins the cluster as `host`: its heartbeat written, the others' watched. `on.lapse` hears of each host that lapses or leaves; `on.taken`, that another process renews under this name. */
  static async join(
    nc: NatsConnection,
    prefix: string,
    host: string,
    leaseMs: number,
    on: { lapse: (host: string) => void; taken: (error: RomhostError) => void },
  ): Promise<Membership> {
    const kv = await new Kvm(nc).create(`${prefix}-hosts`, { history: 1, storage: 'file' });
    const membership = new Membership(kv, host, leaseMs, on.lapse, on.taken);
    await membership.#start();
    return membership;
  }

  async #start(): Promise<void> {
    this.#revision = await this.kv.put(encodeKey(this.host), this.#beat());
    // Every heartbeat there now is known before join resolves: a host that joins must never take
    // another that is alive for gone because the watch had not told of it yet.
    this.#watch = await watchBucket(this.kv, (e) => {
      const host = decodeKey(e.key);
      if (e.operation !== 'PUT') {
        this.#seen.delete(host);
        if (host !== this.host) this.#lapse(host);
        return;
      }
      const was = this.#seen.get(host);
      if (was?.revision !== e.revision) this.#seen.set(host, { revision: e.revision, at: performance.now() });
      this.#lapsed.delete(host);
    });
    this.#timer = setInterval(() => void this.#tick(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.#timer.unref();
    // Expiry is checked more often than heartbeats are renewed: a lapse is told within a tenth of a lease of it.
    this.#check = setInterval(() => this.expire(), Math.max(20, Math.floor(this.leaseMs / 10)));
    this.#check.unref();
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

  /**
   * Whether `host` is one this host has been told lapsed (or left), and has not renewed its
   * heartbeat since: the children its records name are for the others to take over, whenever
   * those records reach them.
   */
  lapsed(host: string): boolean {
    return this.#lapsed.has(host);
  }

  /**
   * Renews this host's heartbeat, one renewal at a time. A renewal refused for its revision means
   * another process writes under this name: this host stops (onTaken). One that fails otherwise (a
   * timeout on a loaded server) is tried again at the next tick; the lease allows for a few.
   */
  async #tick(): Promise<void> {
    if (this.#closed || this.#renewing) return;
    this.#renewing = true;
    try {
      this.#revision = await this.kv.update(encodeKey(this.host), this.#beat(), this.#revision);
    } catch (e) {
      if (isWrongLastSequence(e) && !this.#closed) {
        await this.close().catch(() => undefined);
        this.onTaken(new RomhostError('cluster-host-taken', { host: this.host, reason: (e as Error).message }, { cause: e }));
      }
    } finally {
      this.#renewing = false;
    }
  }

  /**
   * Tells of every host whose lease ran out since the last check: every tenth of a lease, and
   * whenever the cluster acts on `live()` leaving out a host it has not been told of yet.
   */
  expire(): void {
    if (this.#closed) return;
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
    clearInterval(this.#check);
    this.#watch?.stop();
    await this.kv.delete(encodeKey(this.host), { previousSeq: this.#revision }).catch(() => undefined);
  }
}
