import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NatsServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Where JetStream keeps its files (`-sd`). */
  readonly dir: string;
  /** Kills the server by its PID (SIGTERM, then SIGKILL), and removes `dir` if it made it. */
  stop(): Promise<void>;
}

/** Servers of this process still running: killed when it exits, so that a failed test leaves none behind. */
const running = new Set<ChildProcess>();
process.on('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/**
 * A real nats-server with JetStream, on 127.0.0.1: on a free port in a fresh folder, or on the
 * `port` and `dir` of one stopped before (a restart: what it had stored is there again).
 */
export async function startNatsServer(options: { dir?: string; port?: number } = {}): Promise<NatsServer> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'romhost-nats-'));
  const port = options.port ?? (await freePort());
  const child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new Error('nats-server is not installed: apt-get install nats-server (the tests start their own, with JetStream)') : e),
    );
  });
  try {
    await spawned;
  } catch (e) {
    if (ownDir) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  running.add(child);
  const alive = () => child.exitCode === null && child.signalCode === null;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(child.pid!, name);
    } catch {
      // It exited in between: nothing left to stop.
    }
  };
  const stop = async () => {
    if (alive()) {
      signal('SIGTERM');
      const timer = setTimeout(() => alive() && signal('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };
  try {
    await untilListening(port, exited, () => stderr);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: `nats://127.0.0.1:${port}`, port, pid: child.pid!, dir, stop };
}

/** A port nothing listens on now: the OS picks it, and it is released for the server to take. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls a TCP connect: nats-server opens its client port only once JetStream is up. */
async function untilListening(port: number, exited: Promise<void>, stderr: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let tries = 0; tries < 200; tries++) {
    if (gone) throw new Error(`nats-server on port ${port} exited at start: ${stderr().trim()}`);
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nats-server on port ${port} did not accept connections within 10 s: ${stderr().trim()}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
