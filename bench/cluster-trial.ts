import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect } from '@nats-io/transport-node';
import { createHost, loadScenario } from '../host/index.js';
import { ChildRecords, type ChildRecord } from '../host/cluster/child-records.js';

/**
 * The failover trial of a cluster (issue 9): `hosts` processes of `romhost run SCENARIO --store
 * nats://.../PREFIX --ack` on one nats-server, inputs to `rooms` rooms of examples/cluster in
 * `rounds` rounds, each room's messages sent to one host (room K to host K mod hosts, so that
 * each room's order holds), and in the middle of a round the last host killed with SIGKILL. The
 * inputs it had not acknowledged go to the survivors, as a client that lost its host would send
 * them, and so do its rooms' later rounds. At the end the cluster's records must hold the
 * reports of one host alone, every child on a survivor.
 */
export interface ClusterTrialOptions {
  readonly root: string;
  /** `nats://127.0.0.1:PORT` */
  readonly url: string;
  readonly prefix: string;
  readonly hosts: number;
  readonly rooms: number;
  readonly rounds: number;
  readonly leaseMs: number;
  readonly progress?: (line: string) => void;
}

export interface ClusterTrialResult {
  /** Inputs acknowledged in all (resent ones twice). */
  readonly acked: number;
  /** The children the killed host owned when it died. */
  readonly orphans: number;
  /** From the SIGKILL until the last of them was owned by a survivor, caught up. */
  readonly failoverMs: number;
  /** The cluster's reports at the end, by source, and those of one host alone on the same inputs. */
  readonly reports: Record<string, string>;
  readonly expected: Record<string, string>;
  /** Owners at the end, by child. */
  readonly owners: Record<string, string>;
  readonly survivors: readonly string[];
}

const SCENARIO = 'examples/cluster/scenario.yaml';
const line = (room: number, round: number) => `${JSON.stringify({ rom: `input/room/${room}/msg`, text: `m${round}` })}\n`;

interface Proc {
  readonly name: string;
  readonly child: ChildProcessWithoutNullStreams;
  acks: number;
  /** Lines sent, in order: the first `acks` of them are acknowledged. */
  readonly sent: string[];
  onAck?: () => void;
}

export async function clusterTrial(o: ClusterTrialOptions): Promise<ClusterTrialResult> {
  const procs: Proc[] = [];
  const nc = await connect({ servers: o.url });
  try {
    for (let i = 0; i < o.hosts; i++) procs.push(await spawnHost(o, `h${i}`));
    // Every host has seen the others' heartbeats once its own join is done; a moment for the first ones to hear of the last.
    await new Promise((r) => setTimeout(r, Math.min(500, o.leaseMs / 4)));
    const records = await ChildRecords.open(nc, o.prefix, () => undefined);
    const victim = procs[o.hosts - 1]!;
    const survivors = procs.slice(0, -1);
    let killedAt = 0;
    let orphans: string[] = [];
    for (let round = 0; round < o.rounds; round++) {
      const live = killedAt === 0 ? procs : survivors;
      const batches = new Map<Proc, string[]>(live.map((p) => [p, []]));
      for (let room = 0; room < o.rooms; room++) batches.get(live[room % live.length]!)!.push(line(room, round));
      const killRound = Math.floor(o.rounds / 2);
      if (round === killRound && killedAt === 0) {
        // The victim dies halfway through its share of this round, with inputs in flight.
        const half = victim.acks + Math.floor(batches.get(victim)!.length / 2);
        const died = new Promise<void>((done) => {
          victim.onAck = () => {
            if (victim.acks < half || killedAt !== 0) return;
            victim.child.kill('SIGKILL');
            killedAt = performance.now();
            orphans = [...records.entries()].filter(([, { record }]) => record.host === victim.name).map(([child]) => child);
            done();
          };
        });
        for (const [p, lines] of batches) send(p, lines);
        await died;
        await new Promise<void>((done) => victim.child.once('exit', () => done()));
        o.progress?.(`cluster: killed ${victim.name} (it owned ${orphans.length} children) in round ${round + 1} of ${o.rounds}`);
        // What it had not acknowledged goes to the survivors, each room to the one that takes its later rounds.
        const unacked = victim.sent.slice(victim.acks);
        for (const text of unacked) {
          const room = Number((JSON.parse(text) as { rom: string }).rom.split('/')[2]);
          send(survivors[room % survivors.length]!, [text]);
        }
        await Promise.all(survivors.map((p) => allAcked(p)));
      } else {
        for (const [p, lines] of batches) send(p, lines);
        await Promise.all(live.map((p) => allAcked(p)));
      }
      o.progress?.(`cluster: round ${round + 1} of ${o.rounds} acknowledged`);
    }
    // Failover: every child the victim owned on a survivor, its checkpoint at the log's end.
    const names = new Set(survivors.map((p) => p.name));
    let failoverMs = NaN;
    const expected = await alone(o.root, o.rooms, o.rounds);
    let reports: Record<string, string> = {};
    for (let i = 0; i < 1200; i++) {
      if (Number.isNaN(failoverMs) && orphans.every((c) => names.has(records.get(c)?.host ?? ''))) failoverMs = performance.now() - killedAt;
      reports = reportsOf(records.entries());
      if (!Number.isNaN(failoverMs) && JSON.stringify(reports) === JSON.stringify(expected)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const owners = Object.fromEntries([...records.entries()].map(([child, { record }]) => [child, record.host]).sort(([a], [b]) => (a! < b! ? -1 : 1)));
    const acked = procs.reduce((n, p) => n + p.acks, 0);
    return { acked, orphans: orphans.length, failoverMs, reports, expected, owners, survivors: [...names] };
  } finally {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => (p.child.exitCode === null && p.child.signalCode === null ? new Promise((r) => p.child.once('exit', r)) : undefined)));
    await nc.close();
  }
}

async function spawnHost(o: ClusterTrialOptions, name: string): Promise<Proc> {
  const child = spawn(process.execPath, [join(o.root, 'dist/host/cli/main.js'), 'run', SCENARIO, '--store', `${o.url}/${o.prefix}`, '--host', name, '--ack', '--lease-ms', String(o.leaseMs)], {
    cwd: o.root,
    stdio: 'pipe',
  });
  let stderr = '';
  child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); if (process.env.ROMHOST_TRIAL_STDERR) process.stderr.write(`${name}: ${d}`); });
  // A write to a host just killed fails with EPIPE: the driver resends what it had not acknowledged.
  child.stdin.on('error', () => undefined);
  const proc: Proc = { name, child, acks: 0, sent: [] };
  let joined!: () => void;
  const ready = new Promise<void>((done) => (joined = done));
  const exited = new Promise<never>((_, fail) => child.once('exit', (code) => fail(new Error(`host ${name} exited with ${code} before joining: ${stderr}`))));
  void (async () => {
    for await (const text of createInterface({ input: child.stdout })) {
      if (text.startsWith('{"cluster":{')) joined();
      else if (text.startsWith('{"ack":')) {
        proc.acks += 1;
        proc.onAck?.();
      }
    }
  })();
  await Promise.race([ready, exited]);
  exited.catch(() => undefined);
  return proc;
}

function send(p: Proc, lines: readonly string[]): void {
  p.sent.push(...lines);
  p.child.stdin.write(lines.join(''));
}

async function allAcked(p: Proc): Promise<void> {
  while (p.acks < p.sent.length) await new Promise<void>((done) => (p.onAck = () => p.acks >= p.sent.length && done()));
}

/** The reports in the cluster's records, by source, sorted. */
function reportsOf(entries: Iterable<[string, { record: ChildRecord }]>): Record<string, string> {
  const reports: [string, string][] = [];
  for (const [child, { record }] of entries) for (const [report, value] of Object.entries(record.reports)) reports.push([`${child}/${report}`, new TextDecoder().decode(value)]);
  return Object.fromEntries(reports.sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** One host alone on the same inputs, round by round. */
async function alone(root: string, rooms: number, rounds: number): Promise<Record<string, string>> {
  const host = createHost();
  await host.apply(await loadScenario(join(root, SCENARIO)));
  for (let round = 0; round < rounds; round++) for (let room = 0; room < rooms; room++) await host.publish(`room/${room}/msg`, `m${round}`);
  const reports = Object.fromEntries([...host.reports()].map(([source, value]) => [source, new TextDecoder().decode(value)]).sort(([a], [b]) => (a! < b! ? -1 : 1)));
  await host.close();
  return reports;
}
