import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { LmdbStore } from '../host/index.js';

/**
 * The crash test of a durable host (DESIGN §3.7): `romhost run SCENARIO --store DIR --ack` in a
 * child process, fed inputs on stdin, killed with SIGKILL at seeded random points (after a random
 * number of acknowledgements, then a random fraction of a millisecond or two), and started again on
 * the same store, which says how many inputs it has: the driver sends the rest again. Every input
 * acknowledged before a kill must be among them; at the end the store's journal must hold each
 * input exactly once, in order, and the final reports must equal an uninterrupted run's.
 */
export interface CrashTrialOptions {
  /** The repository's root: the CLI is dist/host/cli/main.js under it. */
  readonly root: string;
  readonly scenario: string;
  /** The inputs, as stdin lines: `{"rom": "input/NAME", "text": "..."}`. */
  readonly inputs: readonly string[];
  /** SIGKILLs to deal before the inputs may run to their end. */
  readonly kills: number;
  readonly seed: number;
  /** At most this many acknowledgements before a kill (drawn from 0 to it). */
  readonly maxAcksBeforeKill?: number;
  /** At most this many inputs sent and not yet acknowledged (drawn from 1 to it for each start). */
  readonly maxWindow?: number;
  readonly onKill?: (done: number) => void;
}

export interface CrashTrialResult {
  readonly kills: number;
  /** Host processes started: one more than the kills. */
  readonly starts: number;
  /** Acknowledgements received in all. */
  readonly acks: number;
  /** The highest SEQ acknowledged before a kill that a restarted host did not have: must be none. */
  readonly lost: readonly number[];
  /** What each start found in the store: accepted inputs, in start order. */
  readonly resumedAt: readonly number[];
  /** The inputs of the store's journal, in order. */
  readonly journalInputs: readonly string[];
  /** The final reports, from a last `--once` run on the store. */
  readonly reports: Record<string, unknown>;
  /** Milliseconds from spawning a host until it said where its store was: the restart's cost. */
  readonly startMs: readonly number[];
}

export async function crashTrials(options: CrashTrialOptions): Promise<CrashTrialResult> {
  const { root, scenario, inputs, kills, seed, maxAcksBeforeKill = 20, maxWindow = 16 } = options;
  const dir = mkdtempSync(join(tmpdir(), 'romhost-crash-'));
  const rng = xoroshiro128plus(seed);
  const draw = (min: number, max: number) => uniformInt(rng, min, max);
  const resumedAt: number[] = [];
  const startMs: number[] = [];
  const lost: number[] = [];
  let acked = 0;
  let acks = 0;
  let killed = 0;
  let starts = 0;
  try {
    for (;;) {
      const trial = killed < kills;
      // Most kills fall after some acknowledgements, while inputs stream in; one in ten while the host starts.
      const early = trial && draw(0, 9) === 0;
      const killAfter = trial && !early ? draw(0, maxAcksBeforeKill) : Infinity;
      const delayUs = early ? draw(0, 400_000) : draw(0, 2000);
      const started = performance.now();
      const host = spawnHost(root, ['run', scenario, '--store', dir, '--ack']);
      starts += 1;
      const exit = new Promise<number | null>((done) => host.on('exit', (code) => done(code)));
      let stderr = '';
      host.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Inputs written to a host just killed fail with EPIPE: they were never accepted, and the next start resends them.
      host.stdin.on('error', (e: NodeJS.ErrnoException) => {
        if (!killing || e.code !== 'EPIPE') throw e;
      });
      let killing = false;
      const kill = () => {
        killing = true;
        setTimeout(() => host.kill('SIGKILL'), delayUs / 1000);
      };
      if (early) kill();
      let seen = 0;
      // Inputs go out a window at a time, one more for each acknowledgement, so that a kill finds
      // some in flight: sent, stepped or being written, not yet acknowledged.
      const window = draw(1, maxWindow);
      let next = inputs.length;
      const send = (upTo: number) => {
        if (next >= upTo) return;
        host.stdin.write(inputs.slice(next, upTo).map((l) => `${l}\n`).join(''));
        next = upTo;
      };
      for await (const line of createInterface({ input: host.stdout })) {
        let json: { store?: string; accepted?: number; ack?: number };
        try {
          json = JSON.parse(line) as typeof json;
        } catch (e) {
          if (killing) break; // the half line a kill cut off
          throw e;
        }
        if (json.store !== undefined) {
          startMs.push(performance.now() - started);
          const accepted = json.accepted!;
          resumedAt.push(accepted);
          if (accepted < acked) lost.push(acked);
          next = accepted;
          send(Math.min(inputs.length, accepted + window));
        } else if (json.ack !== undefined) {
          acks += 1;
          acked = Math.max(acked, json.ack);
          seen += 1;
          send(Math.min(inputs.length, json.ack + window));
        } else {
          continue;
        }
        if (killing) continue;
        if (seen >= killAfter) kill();
        // Everything acknowledged before the kill was due: kill now, or let the last host end.
        else if (acked === inputs.length) trial ? kill() : host.stdin.end();
      }
      const code = await exit;
      if (killing) {
        killed += 1;
        options.onKill?.(killed);
        continue;
      }
      if (code !== 0) throw new Error(`the last host exited with ${code}: ${stderr}`);
      break;
    }
    const final = await runOnce(root, scenario, dir);
    const store = await LmdbStore.open(dir);
    const journalInputs: string[] = [];
    for await (const entry of store.journal()) if ('input' in entry) journalInputs.push('text' in entry ? entry.text : entry.base64);
    await store.close();
    return { kills: killed, starts, acks, lost, resumedAt, journalInputs, reports: final, startMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function spawnHost(root: string, args: readonly string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [join(root, 'dist/host/cli/main.js'), ...args], { cwd: root, stdio: 'pipe' });
}

/** The reports a host on the store ends with, with no more inputs. */
async function runOnce(root: string, scenario: string, dir: string): Promise<Record<string, unknown>> {
  return reportsOf(root, ['run', scenario, '--store', dir, '--once']);
}

/** The final reports of `romhost run ARGS` (with --once). */
export async function reportsOf(root: string, args: readonly string[], stdin = ''): Promise<Record<string, unknown>> {
  const host = spawnHost(root, args);
  let stdout = '';
  let stderr = '';
  host.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  host.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  host.stdin.end(stdin);
  const code = await new Promise<number | null>((done) => host.on('exit', done));
  if (code !== 0) throw new Error(`romhost ${args.join(' ')} exited with ${code}: ${stderr}`);
  return (JSON.parse(stdout) as { reports: Record<string, unknown> }).reports;
}
