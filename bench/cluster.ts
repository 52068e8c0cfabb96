import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { joinCluster, LmdbStore, loadScenario, openDurableHost, type Host } from '../host/index.js';
import { chooseHost } from '../host/cluster/hrw.js';
import { clusterTrial } from './cluster-trial.js';
import { startNatsServer } from './nats-server.js';
import { emit, progress, sig3 } from './stats.js';

export interface ClusterBenchOptions {
  readonly root: string;
  /** Inputs per throughput measurement. */
  readonly inputs: number;
  readonly rounds: number;
  /** Rooms of the failover trial (three host processes). */
  readonly rooms: number;
  readonly leaseMs: number;
}

/**
 * cluster (issue 9), on a nats-server of its own:
 * - routed updates per second across two hosts: inputs to room/0, which host b runs, whose count
 *   host a's follower routes (each input updates room/0 twice, its state coming back, and the
 *   follower once), published at a in one go, until a's follower shows the last; vs the same
 *   chain within one host on the embedded store (lmdb, every step durable), each publish sent at
 *   once and all awaited (group commit). Both hosts of the cluster run in this process.
 * - failover: the failover trial (test/failover.test.ts) in three processes: from the SIGKILL of one
 *   host until the last of its children runs on a survivor. Goal: within the lease + 2 s.
 */
export async function clusterBench(o: ClusterBenchOptions): Promise<void> {
  const server = await startNatsServer();
  const dirs: string[] = [];
  try {
    const scenario = await loadScenario(path.join(o.root, 'examples/cluster/scenario.yaml'));
    if (chooseHost('room/0', ['a', 'b']) !== 'b') throw new Error('cluster bench: room/0 should be b\'s');
    const across: number[] = [];
    const within: number[] = [];
    let value = 0;
    for (let round = 0; round < o.rounds; round++) {
      progress(`cluster: round ${round + 1} of ${o.rounds}: ${o.inputs} inputs across two hosts, then within one`);
      const a = await joinCluster(scenario, { url: server.url, prefix: `bench${round}`, host: 'a', leaseMs: o.leaseMs });
      const b = await joinCluster(scenario, { url: server.url, prefix: `bench${round}`, host: 'b', leaseMs: o.leaseMs });
      await a.handled(await a.publish('room/0/msg', String(++value)));
      await until(a.host, '2');
      let t = performance.now();
      const sent: Promise<number>[] = [];
      for (let i = 0; i < o.inputs; i++) sent.push(a.publish('room/0/msg', String(++value)));
      await Promise.all(sent);
      await until(a.host, String(o.inputs + 2));
      across.push((performance.now() - t) / 1000);
      await a.close();
      await b.close();

      const dir = mkdtempSync(path.join(tmpdir(), 'romhost-cluster-bench-'));
      dirs.push(dir);
      const store = await LmdbStore.open(dir);
      const durable = await openDurableHost(store);
      await durable.host.apply(scenario);
      t = performance.now();
      const steps: Promise<unknown>[] = [];
      for (let i = 0; i < o.inputs; i++) steps.push(durable.host.publish('room/0/msg', String(++value)));
      await Promise.all(steps);
      if (new TextDecoder().decode(durable.host.read('follower/out')) !== String(o.inputs + 1)) throw new Error('cluster bench: the single host missed an input');
      within.push((performance.now() - t) / 1000);
      await durable.close();
      await store.close();
    }
    const rate = (seconds: number[]) => (3 * o.inputs) / [...seconds].sort((x, y) => x - y)[Math.floor(seconds.length / 2)]!;
    emit({
      bench: 'cluster',
      unit: 'routed updates/s',
      romhost: sig3(rate(across)),
      baseline: sig3(rate(within)),
      baseline_name: 'the same chain within one host on the embedded store (lmdb), every step durable',
      ratio: sig3(rate(across) / rate(within)),
      inputs: o.inputs,
      rounds: o.rounds,
    });

    progress(`cluster: failover of three host processes, ${o.rooms} rooms, lease ${o.leaseMs} ms`);
    const trial = await clusterTrial({ root: o.root, url: server.url, prefix: 'failover', hosts: 3, rooms: o.rooms, rounds: 4, leaseMs: o.leaseMs, progress });
    const same = JSON.stringify(trial.reports) === JSON.stringify(trial.expected);
    emit({
      bench: 'cluster-failover',
      unit: 'ms',
      failover_ms: sig3(trial.failoverMs),
      lease_ms: o.leaseMs,
      orphans: trial.orphans,
      children: Object.keys(trial.owners).length,
      reports_as_one_host: same,
      goal: 'every orphan on a survivor within the lease + 2 s; the reports of one host alone',
      goal_met: trial.failoverMs <= o.leaseMs + 2000 && same,
    });
  } finally {
    await server.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** Until the follower's out, as the host sees it, is `value`. */
async function until(host: Host, value: string): Promise<void> {
  for (let i = 0; i < 6000; i++) {
    if (new TextDecoder().decode(host.read('follower/out')) === value) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`cluster bench: follower/out never reached ${value}`);
}
