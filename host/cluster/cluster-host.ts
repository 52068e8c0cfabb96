import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Subject, type Observable } from 'rxjs';
import { Engine } from '../engine/index.js';
import { fail } from '../errors.js';
import { createHost, type Host } from '../host.js';
import { equalBytes } from '../sessions/index.js';
import type { Scenario } from '../scenario/index.js';
import { catchUp } from './catch-up.js';
import { ChildRecords, type ChildRecord } from './child-records.js';
import { ClusterScenario } from './cluster-scenario.js';
import { chooseHost } from './hrw.js';
import { InputLog } from './input-log.js';
import { Membership } from './membership.js';

export interface ClusterOptions {
  /** The NATS server, `nats://HOST:PORT`. */
  readonly url: string;
  /** This host's name in the cluster: unique among its hosts, stable across its restarts. */
  readonly host: string;
  /** Names the cluster's stream and buckets: clusters with other prefixes share the server and nothing else. Default `romhost`. */
  readonly prefix?: string;
  /** How long a host's heartbeat may go unrenewed before the others take its children over. Default 5,000 ms. */
  readonly leaseMs?: number;
  readonly engine?: Engine;
}

/** What a host of the cluster did with children: claimed a new one, took one over from a host that lapsed, lost one to another host. */
export interface ClusterEvent {
  readonly kind: 'claimed' | 'took-over' | 'lost' | 'lapsed';
  /** The child, or for `lapsed` the host. */
  readonly name: string;
  /** The input the host had handled when it happened. */
  readonly seq: number;
}

export interface ClusterHost {
  /** This host's name. */
  readonly name: string;
  /** The local host: it runs the children this one owns and knows the others' reports. */
  readonly host: Host;
  /** Publishes `input/NAME` to the cluster; resolves with its place in the cluster's order once stored: the acknowledgement. */
  publish(name: string, content: Uint8Array | string): Promise<number>;
  /** Resolves once this host has handled every input up to `seq`; rejects if it stops first. */
  handled(seq: number): Promise<void>;
  /** The last input this host has handled: its place in the cluster's log. */
  readonly position: number;
  /** The children this host owns, sorted. */
  owned(): string[];
  /** The hosts this one knows to be alive now, itself included, sorted: whom it shares children with. */
  hosts(): string[];
  readonly events$: Observable<ClusterEvent>;
  /** Leaves the cluster: the others take this host's children over at once. */
  close(): Promise<void>;
}

const DEFAULT_LEASE_MS = 5000;
const encoder = new TextEncoder();

/**
 * Joins a cluster of hosts on NATS JetStream (docs/cluster.md) running `scenario`: each child
 * owned by one host, inputs in one log every host reads in order, each child's reports and
 * checkpoint in a KV bucket every host watches, and the children of a host that lapses taken over
 * by the others, each caught up from its checkpoint.
 */
export async function joinCluster(scenario: Scenario, options: ClusterOptions): Promise<ClusterHost> {
  const nc = await connect({ servers: options.url, name: `romhost ${options.host}` }).catch((e: unknown) =>
    fail('store-unopenable', { dir: options.url, reason: `no NATS server answers there (${(e as Error).message}): start one with JetStream, nats-server -js -sd DIR` }, e),
  );
  try {
    const node = new ClusterNode(nc, new ClusterScenario(scenario), options);
    await node.start();
    return node;
  } catch (e) {
    await nc.close();
    throw e;
  }
}

class ClusterNode implements ClusterHost {
  readonly name: string;
  readonly #events = new Subject<ClusterEvent>();
  readonly events$ = this.#events.asObservable();
  readonly #engine: Engine;
  readonly #prefix: string;
  readonly #leaseMs: number;
  /** The children this host owns and runs, each from its checkpoint on. */
  readonly #owned = new Set<string>();
  /** Every child known to exist: the static ones, and every member an input has addressed. */
  readonly #known = new Set<string>();
  /** Children of the current step whose reports changed: each gets a checkpoint after it. */
  readonly #touched = new Set<string>();
  /** Who waits for which input to be handled. */
  readonly #waiting: { seq: number; done: () => void; fail: (e: unknown) => void }[] = [];
  #host!: Host;
  #log!: InputLog;
  #records!: ChildRecords;
  #membership!: Membership;
  #position = 0;
  /** The input at which orphans whose checkpoints were ahead of this host can be taken. */
  #retryAt: number | undefined;
  /** Work on the host, one piece at a time: inputs, other hosts' records, takeovers. */
  #serial: Promise<void> = Promise.resolve();
  #closed = false;
  #follow: { stop(): Promise<void> } | undefined;
  #failure: unknown;
  /** The local host's values, for the checkpoints. */
  readonly #read = (source: string): Uint8Array | undefined => this.#host.read(source);

  constructor(
    private readonly nc: NatsConnection,
    private readonly scenario: ClusterScenario,
    options: ClusterOptions,
  ) {
    this.name = options.host;
    this.#engine = options.engine ?? new Engine({ cache: 'default' });
    this.#prefix = options.prefix ?? 'romhost';
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  get host(): Host {
    return this.#host;
  }

  get position(): number {
    return this.#position;
  }

  async start(): Promise<void> {
    // Nothing the watches bring runs before the local host exists and has the cluster's values.
    let ready!: () => void;
    this.#serial = new Promise((done) => (ready = done));
    this.#log = await InputLog.open(this.nc, this.#prefix);
    this.#records = await ChildRecords.open(this.nc, this.#prefix, (child, record, before) => this.#run(() => this.#onRecord(child, record, before)));
    this.#membership = await Membership.join(this.nc, this.#prefix, this.name, this.#leaseMs, {
      // Told at once, as of the input this host had handled then; the takeover waits its turn.
      lapse: (host) => {
        if (this.#closed) return;
        this.#events.next({ kind: 'lapsed', name: host, seq: this.#position });
        void this.#run(() => this.#takeOver());
      },
      taken: (error) => this.#fail(error),
    });

    // Where the cluster is: every input's latest value, read from the log once; every child's reports from its record.
    const to = await this.#log.lastSeq();
    const values = new Map<string, Uint8Array>();
    for await (const input of this.#log.read(1, to)) {
      values.set(input.source, input.content);
      for (const child of this.scenario.addressedBy(input.source)) this.#known.add(child);
    }
    for (const [child, { record }] of this.#records.entries()) {
      this.#known.add(child);
      for (const [report, value] of Object.entries(record.reports)) values.set(`${child}/${report}`, value);
    }
    for (const child of this.scenario.statics()) this.#known.add(child);
    this.#position = to;
    this.#host = createHost({
      engine: this.#engine,
      placement: { host: this.name, owner: (child) => (this.#owned.has(child) ? this.name : (this.#records.get(child)?.host ?? '')) },
      resume: { step: 0, values },
    });
    this.#host.reports$.subscribe((c) => {
      if (this.#owned.has(c.child)) this.#touched.add(c.child);
    });
    await this.#host.apply(this.scenario.scenario);
    ready();
    // Once the caller has had the host (and subscribed to events$): its own children from a run
    // before (same name), those of hosts gone and children nobody claimed; then the log from here.
    setImmediate(() => void this.#run(() => this.#takeOver()).then(() => this.#consume(to + 1)));
  }

  async #consume(from: number): Promise<void> {
    try {
      const following = await this.#log.follow(from);
      this.#follow = following;
      if (this.#closed) await following.stop();
      for await (const input of following.inputs) {
        if (this.#closed) break;
        await this.#run(() => this.#handle(input.seq, input.source, input.content));
      }
    } catch (e) {
      if (!this.#closed) this.#fail(e);
    }
  }

  /** Runs `work` after everything before it; a failure stops this host (it lapses, and others take over). */
  #run(work: () => Promise<void>): Promise<void> {
    const next = this.#serial.then(async () => {
      if (this.#closed || this.#failure !== undefined) return;
      try {
        await work();
      } catch (e) {
        this.#fail(e);
      }
    });
    this.#serial = next;
    return next;
  }

  #fail(e: unknown): void {
    this.#failure ??= e;
    process.emitWarning(`romhost cluster host "${this.name}" stopped: ${(e as Error).message}`);
    void this.close();
  }

  async #handle(seq: number, source: string, content: Uint8Array): Promise<void> {
    // The live hosts, asked for only when an input addresses a child nobody owns (most address one that is owned).
    let live: string[] | undefined;
    const claimed: string[] = [];
    let stranded = false;
    for (const child of this.scenario.addressedBy(source)) {
      const first = !this.#known.has(child);
      this.#known.add(child);
      if (this.#owned.has(child) || this.#records.get(child) !== undefined) continue;
      // A child nobody owns yet: the host rendezvous hashing picks claims it.
      if (chooseHost(child, (live ??= this.#membership.live())) !== this.name) continue;
      // Its first input (this host has read every one before it): nothing to catch up on, claimed as of the input before.
      if (first) {
        if (await this.#records.claim(child, { host: this.name, seq: seq - 1, reports: {}, roms: this.scenario.inputValues(child, this.#read) })) claimed.push(child);
        continue;
      }
      // Earlier inputs addressed it, and the host picked for it then never claimed it: it lagged
      // behind the log and is gone now (its lease ran out on this host's clock, maybe before the
      // check told of it, and #takeOver has not run for it yet). Claimed as of this input, the child
      // would lose them all (a room counting only its last message): it is claimed from the log's
      // start and caught up, as #takeOver does.
      stranded = true;
    }
    // Adopted first, so that #takeOver does not take them over again as this host's own.
    if (claimed.length > 0) await this.#adopt(claimed, 'claimed');
    if (stranded) {
      // The lapse that left it stranded is told first, as when the check finds it.
      this.#membership.expire();
      await this.#takeOver();
    }
    await this.#step(async () => {
      await this.#host.publish(source.slice('input/'.length), content);
      this.#position = seq;
    });
    if (this.#retryAt !== undefined && seq >= this.#retryAt) {
      this.#retryAt = undefined;
      await this.#takeOver();
    }
    while (this.#waiting.length > 0 && this.#waiting[0]!.seq <= seq) this.#waiting.shift()!.done();
  }

  /** Children this host now owns, already caught up: they run here from now on. */
  async #adopt(children: string[], kind: 'claimed' | 'took-over'): Promise<void> {
    if (children.length === 0) return;
    for (const child of children) this.#owned.add(child);
    await this.#host.place(children);
    for (const child of children) this.#events.next({ kind, name: child, seq: this.#position });
  }

  /**
   * Runs steps on the local host, then writes the checkpoint of each child of this host whose
   * reports they changed: whatever caused it, an input, another host's report, a start.
   */
  async #step(work: () => Promise<unknown>): Promise<void> {
    this.#touched.clear();
    await work();
    if (this.#touched.size > 0) await this.#checkpoint([...this.#touched]);
  }

  /** Writes the checkpoint of each child; one whose record another host has taken is dropped here. */
  async #checkpoint(children: readonly string[]): Promise<void> {
    const lost: string[] = [];
    await Promise.all(
      children.map(async (child) => {
        if (!(await this.#records.save(child, this.#record(child)))) lost.push(child);
      }),
    );
    if (lost.length > 0) await this.#lose(lost);
  }

  async #lose(children: string[]): Promise<void> {
    for (const child of children) this.#owned.delete(child);
    await this.#host.place(children);
    for (const child of children) this.#events.next({ kind: 'lost', name: child, seq: this.#position });
  }

  /** A child's checkpoint as this host has it now. */
  #record(child: string): ChildRecord {
    return { host: this.name, seq: this.#position, reports: this.scenario.reportValues(child, this.#read), roms: this.scenario.inputValues(child, this.#read) };
  }

  /** Another host wrote a child's record: its reports reach the children here that route them; a change of owner is placed. */
  async #onRecord(child: string, record: ChildRecord, before: ChildRecord | undefined): Promise<void> {
    this.#known.add(child);
    // Superseded while it waited its turn: by this host's own write (a takeover that read it, and
    // took the child at its revision), or by a later record, told next. Acted on, the record of a
    // host that lapsed would take from this host the child it has just taken over from that host,
    // and leave it with nobody (its record names this host).
    if (this.#records.get(child) !== record) return;
    if (this.#owned.has(child)) {
      if (record.host !== this.name) await this.#lose([child]);
      return;
    }
    await this.#step(async () => {
      if (before?.host !== record.host) await this.#host.place([child]);
      await this.#receive(child, Object.entries(record.reports));
    });
    // A record of a host that lapsed, come after the lapse: this host's watch of the records is
    // behind its watch of the hosts (the two are not ordered), so the takeover the lapse set off
    // did not know of it (a claim, or a checkpoint brought while it ran). Nothing tells of a lapse
    // twice: it is taken now.
    if (this.#orphaned(child)) await this.#takeOver();
  }

  /**
   * Whether `child` is owned, by its record, by a host this host has been told lapsed, and
   * rendezvous hashing gives it to this host: a takeover would take it. For a record learnt after
   * the lapse, which the lapse's own takeover could not see.
   */
  #orphaned(child: string): boolean {
    const record = this.#records.get(child);
    return (
      record !== undefined &&
      !this.#owned.has(child) &&
      record.host !== this.name &&
      this.#membership.lapsed(record.host) &&
      chooseHost(child, this.#membership.live()) === this.name
    );
  }

  /** Another host's reports of `child`, each that differs from what this host has. */
  async #receive(child: string, reports: Iterable<[string, Uint8Array]>): Promise<void> {
    for (const [report, value] of reports) {
      const source = `${child}/${report}`;
      const now = this.#host.read(source);
      if (now === undefined || !equalBytes(now, value)) await this.#host.receive(source, value);
    }
  }

  /**
   * Takes over, among the children no live host runs, those rendezvous hashing gives this host:
   * each of its own from a run before, each of a host that lapsed, each known child nobody
   * claimed. Ownership moves first (by revision: one winner), then each child is caught up from
   * its checkpoint to this host's input, then it runs here. A checkpoint past this host's input
   * waits until this host gets there.
   */
  async #takeOver(): Promise<void> {
    const live = this.#membership.live();
    const mine = (child: string) => chooseHost(child, live) === this.name;
    const taken = new Map<string, ChildRecord>();
    const claimed = new Set<string>();
    const orphan = (child: string): ChildRecord | undefined => {
      const record = this.#records.get(child);
      if (record === undefined || this.#owned.has(child)) return undefined;
      if (record.host !== this.name && (this.#membership.alive(record.host) || !mine(child))) return undefined;
      if (record.seq <= this.#position) return record;
      // Its last host was ahead of this one: taken once this host has got there.
      this.#retryAt = Math.min(this.#retryAt ?? Infinity, record.seq);
      return undefined;
    };
    let candidates = [...this.#records.entries()].map(([child]) => child);
    do {
      const refused: string[] = [];
      // All at once: each is one compare-and-set on its own key.
      await Promise.all(
        candidates.map(async (child) => {
          const record = orphan(child);
          if (record === undefined) return;
          const next = { ...record, host: this.name };
          if (await this.#records.take(child, next)) taken.set(child, next);
          else if (this.#records.get(child) !== record) refused.push(child);
        }),
      );
      for (const child of this.#known) {
        if (this.#owned.has(child) || this.#records.get(child) !== undefined || !mine(child)) continue;
        // No record known: nobody ever claimed it (its host died first), claimed from the log's start.
        const next: ChildRecord = { host: this.name, seq: 0, reports: {}, roms: {} };
        if (await this.#records.claim(child, next)) {
          taken.set(child, next);
          claimed.add(child);
        } else if (this.#records.get(child) !== undefined) refused.push(child);
      }
      // Tried again on the record as it is now: a take refused because this host's copy of the
      // record was behind (its host checkpointed it once more before it died, and the watch had
      // not brought that here yet), and a claim refused because there was a record this host had not
      // heard of yet (the watch of the records is not ordered with that of the hosts: its host may
      // be the one that lapsed). Left alone, such a child would stay with a host that is gone, as
      // nothing tells of a lapse twice. One that another host took names a live host now, and is
      // left. Each round needs a newer record than the last (the refusal brought it), and a child
      // whose claim was refused has a record from then on, so this ends.
      candidates = refused;
    } while (candidates.length > 0);
    if (taken.size === 0) return;
    const others = this.#host.reports();
    const caught = await catchUp({ scenario: this.scenario, engine: this.#engine, log: this.#log, orphans: taken, to: this.#position, reports: others });
    const children = [...taken.keys()].sort();
    await this.#step(async () => {
      for (const [child, reports] of caught) await this.#receive(child, Object.entries(reports));
      await this.#adopt(children.filter((c) => claimed.has(c)), 'claimed');
      await this.#adopt(children.filter((c) => !claimed.has(c)), 'took-over');
    });
    // Each is checkpointed at this host's input, changed or not: its old checkpoint is behind it.
    await this.#checkpoint(children);
  }

  async publish(name: string, content: Uint8Array | string): Promise<number> {
    if (this.#closed) fail('closed', undefined);
    return this.#log.append(`input/${name}`, typeof content === 'string' ? encoder.encode(content) : content);
  }

  handled(seq: number): Promise<void> {
    if (seq <= this.#position) return Promise.resolve();
    if (this.#closed) return Promise.reject(this.#stopped());
    return new Promise((done, fail) => {
      this.#waiting.push({ seq, done, fail });
      this.#waiting.sort((a, b) => a.seq - b.seq);
    });
  }

  owned(): string[] {
    return [...this.#owned].sort();
  }

  hosts(): string[] {
    return this.#membership.live();
  }

  /** Why a host that stopped will handle no more inputs. */
  #stopped(): Error {
    const why = this.#failure === undefined ? 'it was closed' : `it failed: ${(this.#failure as Error).message}`;
    return new Error(`cluster host "${this.name}" handles no more inputs: ${why}`, { cause: this.#failure });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of this.#waiting.splice(0)) w.fail(this.#stopped());
    await this.#follow?.stop();
    await this.#serial.catch(() => undefined);
    await this.#membership?.close();
    await this.#host?.close();
    await this.nc.close();
    this.#events.complete();
  }
}
