import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { emit, median, nowNs, progress, sig3 } from './stats.js';

export interface StartupOptions {
  readonly root: string;
  /** Samples per side and example; the sides run in turn, order rotated each round. */
  readonly rounds: number;
}

/** The examples started: the CLI arguments after `run`. */
const EXAMPLES: Record<string, readonly string[]> = {
  counter: ['examples/counter/scenario.yaml', '--input', 'input=a', '--once'],
  windows: ['examples/windows/scenario.yaml', '--inputs', 'examples/windows/windows.jsonl', '--once'],
};

interface Run {
  readonly ms: number;
  /** Peak resident set, MiB. */
  readonly rssMib: number;
  readonly stdout: string;
}

/**
 * startup: a whole `romhost run EXAMPLE --once` process, spawn to exit, with the engine cache warm
 * (another process started the same components before: no jco, no binaryen) vs `node -e ''` (the
 * floor: a Node process that imports nothing), and vs cold (an empty cache: jco splits and checks
 * each component, binaryen rewrites its main core module). `help` is `romhost --help`, which
 * imports the CLI and the host but loads no component: what a warm start costs besides the engine.
 * Peak RSS comes from the process itself (`process.resourceUsage().maxRSS` at exit, written by a
 * tiny `--import` probe that every side, the baseline too, runs).
 */
export async function startupBench(opts: StartupOptions): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'romhost-bench-startup-'));
  try {
    const probe = path.join(work, 'rss-probe.mjs');
    writeFileSync(probe, "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(process.env.RSS_OUT, String(process.resourceUsage().maxRSS)));\n");
    const cli = path.join(opts.root, 'dist/host/cli/main.js');
    let n = 0;
    const start = (args: readonly string[], cache: string) => spawnTimed(opts.root, ['--import', probe, ...args], cache, path.join(work, `rss-${++n}`));
    for (const [example, args] of Object.entries(EXAMPLES)) {
      const warmCache = path.join(work, `warm-${example}`);
      const expected = (await start([cli, 'run', ...args], warmCache)).stdout; // fills the warm cache
      const sides: Record<string, () => Promise<Run>> = {
        node: () => start(['-e', ''], 'off'),
        help: () => start([cli, '--help'], 'off'),
        warm: () => start([cli, 'run', ...args], warmCache),
        cold: async () => {
          const cache = mkdtempSync(path.join(work, 'cold-'));
          try {
            return await start([cli, 'run', ...args], cache);
          } finally {
            rmSync(cache, { recursive: true, force: true });
          }
        },
      };
      const runs = await rounds(`startup ${example}`, sides, opts.rounds);
      for (const side of ['warm', 'cold'] as const) {
        const wrong = runs[side]!.find((r) => r.stdout !== expected);
        if (wrong) throw new Error(`startup ${example}: a ${side} run printed ${wrong.stdout.slice(0, 200)}, not ${expected.slice(0, 200)}`);
      }
      const ms = (side: string) => median(runs[side]!.map((r) => r.ms));
      const mib = (side: string) => sig3(median(runs[side]!.map((r) => r.rssMib)));
      emit({
        bench: 'startup',
        example,
        unit: 'ms',
        romhost: sig3(ms('warm')),
        baseline: sig3(ms('node')),
        baseline_name: "node -e '' (a Node process importing nothing)",
        ratio: sig3(ms('warm') / ms('node')),
        cold_ms: sig3(ms('cold')),
        cold_over_warm: sig3(ms('cold') / ms('warm')),
        help_ms: sig3(ms('help')),
        rss_warm_mib: mib('warm'),
        rss_cold_mib: mib('cold'),
        rss_node_mib: mib('node'),
        rss_help_mib: mib('help'),
        rounds: opts.rounds,
        command: `node dist/host/cli/main.js run ${args.join(' ')}`,
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Every side `count` times, one after another (never two processes at once), order rotated each round. */
async function rounds(label: string, sides: Record<string, () => Promise<Run>>, count: number): Promise<Record<string, Run[]>> {
  const names = Object.keys(sides);
  const runs: Record<string, Run[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < count; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length]!;
      runs[name]!.push(await sides[name]!());
    }
    progress(`${label}: round ${round + 1}/${count}`);
  }
  return runs;
}

function spawnTimed(cwd: string, args: readonly string[], cache: string, rssOut: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = nowNs();
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ROMHOST_CACHE: cache, RSS_OUT: rssOut }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = (nowNs() - t0) / 1e6;
      if (code !== 0) return reject(new Error(`node ${args.join(' ')} exited with ${code}: ${stderr}`));
      resolve({ ms, rssMib: Number(readFileSync(rssOut, 'utf8')) / 1024, stdout });
    });
  });
}
