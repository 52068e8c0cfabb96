import { hostname } from 'node:os';
import { fail } from '../errors.js';
import { joinCluster, loadScenario, startInspector, type ClusterHost } from '../index.js';
import { jsonFields } from '../json-value.js';
import { stdinCommands, type Located } from './command-line.js';

export interface ClusterRunOptions {
  /** `nats://HOST:PORT`, with the cluster's prefix as its path when it has one: `nats://127.0.0.1:4222/shop`. */
  readonly store: string;
  readonly host?: string;
  readonly leaseMs: number;
  readonly ack?: boolean;
  readonly ui?: boolean;
  readonly port: number;
}

const print = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

/**
 * `romhost run SCENARIO --store nats://...`: this process joins the cluster of every host on that
 * server and prefix (docs/cluster.md). It prints the cluster line first, then each report change
 * this host sees (of its own children and, through the cluster, of the others') and what it does
 * with children: claims, takeovers, losses, and hosts that lapse. Inputs from the flags and stdin
 * go to the cluster's log; with --ack, `{"ack": SEQ}` once stored, SEQ its place in the cluster's
 * order. It runs until interrupted: a host of a cluster serves the others' inputs too.
 */
export async function runInCluster(file: string, commands: readonly Located[], options: ClusterRunOptions): Promise<number> {
  const { url, prefix } = parseNatsUrl(options.store);
  const name = options.host ?? `${hostname()}-${process.pid}`;
  const scenario = await loadScenario(file);
  const cluster = await joinCluster(scenario, { url, prefix, host: name, leaseMs: options.leaseMs });
  print({ cluster: { host: name, url, prefix, lease_ms: options.leaseMs } });
  const { host } = cluster;
  if (!options.ui) host.reports$.subscribe((c) => print({ step: c.step, report: c.source, ...jsonFields(c.content) }));
  host.faults$.subscribe(({ step, ...fault }) => print({ step, fault }));
  cluster.events$.subscribe((e) => print({ cluster: e.kind, [e.kind === 'lapsed' ? 'host' : 'child']: e.name, seq: e.seq }));
  const interrupted = new Promise<void>((done) => process.once('SIGINT', done).once('SIGTERM', done));
  const inspector = options.ui ? await startInspector(host, { port: options.port }) : undefined;
  if (inspector) print({ inspector: inspector.url });
  try {
    await publishAll(cluster, commands, options.ack);
    if (process.stdin.isTTY) process.stderr.write(`romhost: host ${name} of the cluster at ${options.store}; type inputs as JSON lines, e.g. {"rom": "input/NAME", "text": "hi"}; Ctrl-C stops\n`);
    void publishAll(cluster, stdinCommands(), options.ack);
    await interrupted;
    process.stdin.destroy();
  } finally {
    await inspector?.close();
    await cluster.close();
  }
  return 0;
}

/** Sends each input to the cluster, in order; a lifecycle command is refused (one line), and the rest go on. */
async function publishAll(cluster: ClusterHost, commands: Iterable<Located> | AsyncIterable<Located>, ack?: boolean): Promise<void> {
  for await (const { command, at } of commands) {
    try {
      if (command.kind !== 'publish') fail('cluster-unsupported', { what: `a ${command.kind} command` });
      const seq = await cluster.publish(command.name, command.content);
      if (ack) print({ ack: seq });
    } catch (e) {
      process.stderr.write(`romhost: ${at}: ${(e as Error).message}\n`);
    }
  }
}

/** `nats://HOST:PORT/PREFIX` → the server's URL and the prefix (`romhost` when the path is empty). */
export function parseNatsUrl(spec: string): { url: string; prefix: string } {
  const parsed = new URL(spec);
  const prefix = decodeURIComponent(parsed.pathname.replace(/^\/+|\/+$/g, '')) || 'romhost';
  if (!/^[A-Za-z0-9_-]+$/.test(prefix)) throw new Error(`--store ${spec}: the cluster's prefix "${prefix}" may hold only letters, digits, '-' and '_'`);
  return { url: `nats://${parsed.host}`, prefix };
}
