import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { createHost, joinCluster, type ClusterEvent, type ClusterHost, type Scenario } from '../host/index.js';
import { encodeRecord } from '../host/cluster/child-records.js';
import { chooseHost } from '../host/cluster/hrw.js';
import { encodeKey } from '../host/store/nats-keys.js';
import { scenario, text } from './support/scenarios.js';
import { startNatsServer, type NatsServer } from '../bench/nats-server.js';

/**
 * Hosts of one cluster in this process, on a real nats-server: children shared out, reports
 * routed from host to host, and a host that leaves taken over by the others. Whatever the
 * placement, the reports must be those of one host alone on the same inputs, in the same order.
 * The failover of a host killed with SIGKILL, in processes of their own: test/failover.test.ts.
 */

const ROOMS = `
components:
  counter: components/counter-wat/counter-wat.wasm
  adder: components/adder-wat/adder-wat.wasm
children:
  room/*: { component: counter, roms: { input: input/room/*/msg, state: room/*/state }, reports: [count, state] }
  follower: { component: adder, roms: { in: room/0/count }, reports: [out] }
`;

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server?.stop();
});

let prefixes = 0;
const prefix = () => `cluster${++prefixes}`;

/** The inputs: `rounds` messages to each of `rooms` rooms, round by round. */
const inputs = (rooms: number, rounds: number, from = 0): [string, string][] =>
  Array.from({ length: rounds }, (_, r) => Array.from({ length: rooms }, (_, k): [string, string] => [`room/${k}/msg`, `m${from + r}`])).flat();

/** Until each host has handled the input at `seq`; past a minute, an error that says where each is. */
async function handled(hosts: readonly ClusterHost[], seq: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`not handled by ${seq} after a minute: ${hosts.map((h) => `${h.name} at ${h.position}`).join(', ')}`)), 60_000);
  });
  try {
    await Promise.race([Promise.all(hosts.map((h) => h.handled(seq))), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Until `done` holds, looking `tries` times at most, `ms` apart: the caller's expectations then say what did not come. */
async function until(done: () => boolean, tries: number, ms: number): Promise<void> {
  for (let i = 0; i < tries && !done(); i++) await new Promise((r) => setTimeout(r, ms));
}

/**
 * The cluster `p`'s buckets of hosts and of children's records, on a connection of the test's own:
 * to play hosts that are nothing but a heartbeat and records. Close `nc` when done.
 */
async function buckets(p: string) {
  const nc = await connect({ servers: server.url });
  const kvm = new Kvm(nc);
  const options = { history: 1, storage: 'file' } as const;
  return { nc, hosts: await kvm.create(`${p}-hosts`, options), records: await kvm.create(`${p}-children`, options) };
}

/** What one host alone reports on the inputs. */
async function alone(s: Scenario, all: readonly [string, string][]): Promise<Record<string, string>> {
  const host = createHost();
  await host.apply(s);
  for (const [name, value] of all) await host.publish(name, value);
  const reports = Object.fromEntries([...host.reports()].map(([source, value]) => [source, text(value)!]));
  await host.close();
  return reports;
}

/** Publishes each input at the host `at` picks, one after the other (so the log has them in this order); resolves with the last sequence. */
async function publish(hosts: readonly ClusterHost[], all: readonly [string, string][], at: (i: number) => number): Promise<number> {
  let seq = 0;
  for (const [i, [name, value]] of all.entries()) seq = await hosts[at(i)]!.publish(name, value);
  return seq;
}

const view = (cluster: ClusterHost) => Object.fromEntries([...cluster.host.reports()].map(([source, value]) => [source, text(value)!]));

/** Until every host's view of the reports is `expected` (other hosts' reports arrive by a watch, a little later). */
async function converged(hosts: readonly ClusterHost[], expected: Record<string, string>): Promise<void> {
  await until(() => hosts.every((h) => JSON.stringify(view(h)) === JSON.stringify(expected)), 200, 50);
  for (const host of hosts) expect(view(host)).toEqual(expected);
}

describe('a cluster of hosts on NATS JetStream', () => {
  it('shares the children out, routes reports across hosts, and reports what one host alone does', async () => {
    const s = scenario(ROOMS);
    const p = prefix();
    const a = await joinCluster(s, { url: server.url, prefix: p, host: 'a', leaseMs: 2000 });
    const b = await joinCluster(s, { url: server.url, prefix: p, host: 'b', leaseMs: 2000 });
    try {
      // a hears of b by a watch: until then, it would claim b's rooms as its own (rightly, as far as it knows).
      await until(() => a.hosts().length >= 2, 100, 20);
      expect([a.hosts(), b.hosts()]).toEqual([['a', 'b'], ['a', 'b']]);
      // The follower is static: a, alone when it started, claimed it. room/0, which it follows, is b's by rendezvous hashing.
      expect(a.owned()).toEqual(['follower']);
      expect(chooseHost('room/0', ['a', 'b'])).toBe('b');
      const all = inputs(20, 3);
      const last = await publish([a, b], all, (i) => i % 2);
      await handled([a, b], last);
      const expected = await alone(s, all);
      expect(expected['follower/out']).toBe('4');
      await converged([a, b], expected);
      const members = (h: ClusterHost) => h.owned().filter((c) => c.startsWith('room/'));
      expect(members(a).length + members(b).length).toBe(20);
      expect(members(a).length).toBeGreaterThan(0);
      expect(members(b)).toContain('room/0');
      // host/state says which host runs what.
      const state = JSON.parse(text(a.host.read('host/state'))!) as { host: string; children: Record<string, { status: string }> };
      expect(state.host).toBe('a');
      expect(state.children['follower']?.status).toBe('running');
    } finally {
      await a.close();
      await b.close();
    }
  }, 120_000);

  it('takes over the children of a host that leaves, from their checkpoints, and goes on as one host would', async () => {
    const s = scenario(ROOMS);
    const p = prefix();
    const a = await joinCluster(s, { url: server.url, prefix: p, host: 'a', leaseMs: 2000 });
    const b = await joinCluster(s, { url: server.url, prefix: p, host: 'b', leaseMs: 2000 });
    const events: ClusterEvent[] = [];
    a.events$.subscribe((e) => events.push(e));
    try {
      const first = inputs(10, 2);
      const last = await publish([a, b], first, (i) => i % 2);
      await handled([a, b], last);
      const left = b.owned();
      expect(left.length).toBeGreaterThan(0);
      // Inputs go on at a while b leaves: b's children are caught up to where a is when it takes them.
      await b.close();
      const more = inputs(10, 2, 2);
      const end = await publish([a], more, () => 0);
      await handled([a], end);
      await until(() => left.every((c) => a.owned().includes(c)), 100, 50);
      expect(a.owned()).toEqual(expect.arrayContaining(left));
      expect(events.filter((e) => e.kind === 'took-over').map((e) => e.name).sort()).toEqual([...left].sort());
      expect(events.some((e) => e.kind === 'lapsed' && e.name === 'b')).toBe(true);
      await converged([a], await alone(s, [...first, ...more]));
      expect(text(a.host.read('room/3/count'))).toBe('4');
    } finally {
      await a.close();
      await b.close();
    }
  }, 120_000);

  it('takes over the children of a host that leaves when its watch of the records has not brought them yet', async () => {
    // As the test above, with a's watch of the children's records far behind (as under load): it
    // knows b's children only from the inputs that addressed them, and claiming one finds b's record.
    // The watch stalls for good here: its consumer deleted on the server, which the client hears of
    // only after a minute without heartbeats.
    const s = scenario(ROOMS);
    const p = prefix();
    const a = await joinCluster(s, { url: server.url, prefix: p, host: 'a', leaseMs: 2000 });
    const nc = await connect({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    const watches = await jsm.consumers.list(`KV_${p}-children`).next();
    expect(watches).toHaveLength(1);
    await jsm.consumers.delete(`KV_${p}-children`, watches[0]!.name);
    const b = await joinCluster(s, { url: server.url, prefix: p, host: 'b', leaseMs: 2000 });
    const events: ClusterEvent[] = [];
    a.events$.subscribe((e) => events.push(e));
    try {
      const first = inputs(10, 2);
      await handled([a, b], await publish([a, b], first, (i) => i % 2));
      const left = b.owned();
      expect(left.length).toBeGreaterThan(0);
      await b.close();
      const more = inputs(10, 2, 2);
      await handled([a], await publish([a], more, () => 0));
      await until(() => left.every((c) => a.owned().includes(c)), 100, 50);
      expect(a.owned()).toEqual(expect.arrayContaining(left));
      expect(events.filter((e) => e.kind === 'took-over').map((e) => e.name).sort()).toEqual([...left].sort());
      await converged([a], await alone(s, [...first, ...more]));
    } finally {
      await a.close();
      await b.close();
      await nc.close();
    }
  }, 120_000);

  it('takes over a child whose record reaches it only after its host lapsed', async () => {
    // c (a heartbeat, nothing more) leaves; a is told, and has no record of c to take over. Only
    // then does c's claim of a room reach it (its watch of the records behind its watch of the
    // hosts), and then the room's first input (its log further behind): c claimed the room as of
    // the input before, and died before it wrote a checkpoint. a must take it over from there.
    const s = scenario(ROOMS);
    const p = prefix();
    const { nc, hosts, records } = await buckets(p);
    await hosts.put(encodeKey('c'), new TextEncoder().encode(JSON.stringify({ host: 'c' })));
    const a = await joinCluster(s, { url: server.url, prefix: p, host: 'a', leaseMs: 2000 });
    const events: ClusterEvent[] = [];
    a.events$.subscribe((e) => events.push(e));
    try {
      const first = inputs(5, 1);
      const before = await publish([a], first, () => 0);
      await handled([a], before);
      const room = Array.from({ length: 30 }, (_, k) => `room/${k}`).find((c) => chooseHost(c, ['a', 'c']) === 'c' && !a.owned().includes(c) && !first.some(([name]) => name === `${c}/msg`))!;
      await hosts.delete(encodeKey('c'));
      await until(() => events.some((e) => e.kind === 'lapsed' && e.name === 'c'), 100, 20);
      expect(events.some((e) => e.kind === 'lapsed' && e.name === 'c')).toBe(true);
      // The takeover the lapse set off has run (it was queued before this input).
      await handled([a], await a.publish('room/0/msg', 'again'));
      await records.create(encodeKey(room), encodeRecord({ host: 'c', seq: before + 1, reports: {}, roms: {} }));
      const more: [string, string][] = [[`${room}/msg`, 'hi'], [`${room}/msg`, 'there']];
      await handled([a], await publish([a], more, () => 0));
      await until(() => a.owned().includes(room), 100, 50);
      expect(a.owned()).toContain(room);
      expect(events.filter((e) => e.kind === 'took-over').map((e) => e.name)).toEqual([room]);
      await converged([a], await alone(s, [...first, ['room/0/msg', 'again'], ...more]));
      expect(text(a.host.read(`${room}/count`))).toBe('2');
    } finally {
      await a.close();
      await nc.close();
    }
  }, 120_000);

  it('keeps a child it took over when the record it took it at is told only after the takeover', async () => {
    // c and d are heartbeats and records, nothing more. a takes over c's room first, and catching it
    // up from far back keeps it busy: meanwhile d leaves, and then d's last checkpoint reaches a (d
    // wrote it before it left; a's watch of the records is behind its watch of the hosts). Both wait
    // their turn behind the catch-up, the takeover first: it finds that checkpoint (a has it by then)
    // and takes d's room at it. The checkpoint, told next, is d's word on a room a owns now, and
    // stale: a must keep the room, not drop it for d (and leave it with nobody: its record names a).
    const s = scenario(ROOMS);
    const p = prefix();
    const { nc, hosts, records } = await buckets(p);
    const beat = new TextEncoder().encode(JSON.stringify({ beat: 1 }));
    await hosts.put(encodeKey('c'), beat);
    await hosts.put(encodeKey('d'), beat);
    const [slow, late] = ['room/0', 'room/1'];
    const claim = (host: string) => encodeRecord({ host, seq: 0, reports: {}, roms: {} });
    await records.create(encodeKey(slow), claim('c'));
    const revision = await records.create(encodeKey(late), claim('d'));
    // A lease that does not run out here: c and d lapse when they leave, and only then.
    const a = await joinCluster(s, { url: server.url, prefix: p, host: 'a', leaseMs: 60_000 });
    const events: ClusterEvent[] = [];
    a.events$.subscribe((e) => events.push(e));
    try {
      const first = Array.from({ length: 2000 }, (_, i): [string, string] => [`${slow}/msg`, `m${i}`]);
      await handled([a], await publish([a], first, () => 0));
      expect(a.owned()).toEqual(['follower']);
      await hosts.delete(encodeKey('c'));
      await until(() => events.some((e) => e.kind === 'lapsed' && e.name === 'c'), 200, 5);
      await hosts.delete(encodeKey('d'));
      await records.update(encodeKey(late), claim('d'), revision);
      await until(() => a.owned().includes(slow) && a.owned().includes(late), 200, 50);
      const more: [string, string][] = [[`${slow}/msg`, 'x'], [`${late}/msg`, 'y']];
      await handled([a], await publish([a], more, () => 0));
      expect(events.filter((e) => e.kind === 'lost')).toEqual([]);
      expect(a.owned()).toEqual(expect.arrayContaining([slow, late]));
      expect(events.filter((e) => e.kind === 'took-over').map((e) => e.name).sort()).toEqual([slow, late]);
      await converged([a], await alone(s, [...first, ...more]));
      expect(text(a.host.read(`${late}/count`))).toBe('1');
    } finally {
      await a.close();
      await nc.close();
    }
  }, 120_000);

  it('claims a child its host never got to from the log\'s start, not as of the input that finds it unclaimed', async () => {
    // c is alive by its heartbeat alone: it reads no input, as a host far behind the log, and then
    // dies (its heartbeat renewed no more). The rooms rendezvous hashing gave it have inputs in the
    // log and no record. Whichever survivor gets one must replay them all, even when it sees c gone
    // (its lease ran out on this host's clock) before it has handled c's lapse.
    const s = scenario(ROOMS);
    const p = prefix();
    const { nc, hosts } = await buckets(p);
    const beat = () => hosts.put(encodeKey('c'), new TextEncoder().encode(JSON.stringify({ host: 'c' })));
    await beat();
    const beating = setInterval(() => void beat(), 100);
    const a = await joinCluster(s, { url: server.url, prefix: p, host: 'a', leaseMs: 1000 });
    const b = await joinCluster(s, { url: server.url, prefix: p, host: 'b', leaseMs: 1000 });
    const told = new Set<string>();
    for (const h of [a, b]) h.events$.subscribe((e) => e.kind === 'lapsed' && e.name === 'c' && told.add(h.name));
    try {
      const rooms = Array.from({ length: 30 }, (_, k) => `room/${k}`);
      const stranded = rooms.filter((c) => chooseHost(c, ['a', 'b', 'c']) === 'c');
      expect(stranded.length).toBeGreaterThan(3);
      const first = inputs(rooms.length, 1);
      // Nobody runs c's rooms now (unless this process stalled past a lease, and c lapsed already).
      await handled([a, b], await publish([a, b], first, (i) => i % 2));
      clearInterval(beating);
      // Inputs to c's rooms go on, round after round, until both survivors have told of its lapse, and a round more.
      const more: [string, string][] = [];
      for (let round = 1, after = false; !after; round++) {
        after = told.size === 2;
        const batch = stranded.map((room): [string, string] => [`${room}/msg`, `m${round}`]);
        more.push(...batch);
        await handled([a, b], await publish([a], batch, () => 0));
      }
      for (const room of stranded) expect([...a.owned(), ...b.owned()]).toContain(room);
      await converged([a, b], await alone(s, [...first, ...more]));
    } finally {
      clearInterval(beating);
      await a.close();
      await b.close();
      await nc.close();
    }
  }, 120_000);

  it('resumes a cluster started again: its children from their checkpoints, its inputs from the log', async () => {
    const s = scenario(ROOMS);
    const p = prefix();
    const first = inputs(5, 2);
    const a = await joinCluster(s, { url: server.url, prefix: p, host: 'a', leaseMs: 2000 });
    await handled([a], await publish([a], first, () => 0));
    await a.close();
    const again = await joinCluster(s, { url: server.url, prefix: p, host: 'a', leaseMs: 2000 });
    try {
      const more = inputs(5, 1, 2);
      await handled([again], await publish([again], more, () => 0));
      await converged([again], await alone(s, [...first, ...more]));
      expect(again.owned()).toHaveLength(6);
    } finally {
      await again.close();
    }
  }, 120_000);

  it('refuses a server that is not there, naming it', async () => {
    await expect(joinCluster(scenario(ROOMS), { url: 'nats://127.0.0.1:1', host: 'a' })).rejects.toThrow(
      /the store at nats:\/\/127\.0\.0\.1:1 cannot be opened: no NATS server answers there .*nats-server -js/,
    );
  });
});
