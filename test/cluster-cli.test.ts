import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServer } from '../bench/nats-server.js';
import { romhost } from './support/cli.js';

/** `romhost run SCENARIO --store nats://...`: hosts of a cluster as a person starts them, on a real nats-server. */

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server?.stop();
});

const SCENARIO = 'examples/cluster/scenario.yaml';

/** A host process; `lines` collects its stdout as JSON, `until` waits for a line that matches. */
function host(name: string) {
  const child = spawn(process.execPath, ['dist/host/cli/main.js', 'run', SCENARIO, '--store', `${server.url}/cli`, '--host', name, '--ack', '--lease-ms', '1000'], { stdio: 'pipe' });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const waiting: { test: (l: Record<string, unknown>) => boolean; done: () => void }[] = [];
  void (async () => {
    for await (const text of createInterface({ input: child.stdout })) {
      const line = JSON.parse(text) as Record<string, unknown>;
      lines.push(line);
      for (const w of [...waiting]) if (w.test(line)) waiting.splice(waiting.indexOf(w), 1), w.done();
    }
  })();
  const until = (test: (l: Record<string, unknown>) => boolean) =>
    lines.some(test) ? Promise.resolve() : new Promise<void>((done) => waiting.push({ test, done }));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, lines, until, exited, stderr: () => stderr };
}

describe('romhost run --store nats://', () => {
  it('runs one scenario on two host processes: inputs at either, acknowledged, reports across hosts, a command refused', async () => {
    const a = host('a');
    await a.until((l) => l['cluster'] !== undefined);
    const b = host('b');
    await b.until((l) => l['cluster'] !== undefined);
    try {
      expect(a.lines[0]).toEqual({ cluster: { host: 'a', url: server.url, prefix: 'cli', lease_ms: 1000 } });
      a.child.stdin.write('{"rom": "input/room/0/msg", "text": "x"}\n{"kill": "follower"}\n');
      b.child.stdin.write('{"rom": "input/room/0/msg", "text": "y"}\n');
      // room/0 runs on b (rendezvous hashing), the follower on a, which started first: 2 + 1.
      await a.until((l) => l['report'] === 'follower/out' && l['text'] === '3');
      await b.until((l) => l['report'] === 'room/0/count' && l['text'] === '2');
      expect(a.lines.filter((l) => 'ack' in l)).toHaveLength(1);
      expect(b.lines).toContainEqual({ cluster: 'claimed', child: 'room/0', seq: expect.any(Number) as number });
      expect(a.stderr()).toContain('stdin:2: a kill command is not available in a cluster yet (--store nats://): run it on a host of its own (--store DIR)');
      // b stops cleanly: a takes room/0 over at once, and counts on.
      b.child.kill('SIGTERM');
      expect(await b.exited).toBe(0);
      await a.until((l) => l['cluster'] === 'took-over' && l['child'] === 'room/0');
      a.child.stdin.write('{"rom": "input/room/0/msg", "text": "z"}\n');
      await a.until((l) => l['report'] === 'room/0/count' && l['text'] === '3');
    } finally {
      for (const h of [a, b]) if (h.child.exitCode === null) h.child.kill('SIGTERM');
      await Promise.all([a.exited, b.exited]);
    }
  }, 60_000);

  it('refuses what a cluster host does not do, in one line, exit 2', async () => {
    const once = await romhost(['run', SCENARIO, '--store', `${server.url}/x`, '--once']);
    expect(once.code).toBe(2);
    expect(once.stderr).toBe('romhost: --once does not go with --store nats://: a host of a cluster runs until interrupted and records no journal of its own (the cluster\'s input log is that)\n');
    const named = await romhost(['run', SCENARIO, '--host', 'a', '--once']);
    expect(named.code).toBe(2);
    expect(named.stderr).toBe('romhost: --host names a host of a cluster: it goes with --store nats://HOST:PORT\n');
    const down = await romhost(['run', SCENARIO, '--store', 'nats://127.0.0.1:1', '--host', 'a']);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/^romhost: the store at nats:\/\/127\.0\.0\.1:1 cannot be opened: no NATS server answers there .*nats-server -js -sd DIR; give another with --store DIR \(a folder\) or --store nats:\/\/HOST:PORT\n$/);
    const help = await romhost(['run', '--help']);
    expect(help.stdout).toContain('romhost run examples/rooms/scenario.yaml --store nats://127.0.0.1:4222 --host a --ack');
  }, 60_000);
});
