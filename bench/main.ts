/**
 * romhost's benchmarks: `npm run bench`. One JSON line per measurement on stdout, progress on
 * stderr. Never asserts timings; bench/README.md says what each figure means.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { instantiateBench } from './instantiate.js';
import { repoRoot } from './paths.js';
import { restartBench } from './restart.js';
import { recordOverhead } from './record-overhead.js';
import { replayThroughput } from './replay-throughput.js';
import { routeThroughput } from './route-throughput.js';
import { fuelOverhead } from './fuel-overhead.js';
import { languages } from './languages.js';
import { million } from './million.js';
import { crashBench } from './crash.js';
import { clusterBench } from './cluster.js';
import { storePut } from './store-put.js';
import { snapshotBench } from './snapshot.js';
import { emit, progress } from './stats.js';
import { startupBench } from './startup.js';
import { swapPause } from './swap-pause.js';
import { uiLatency } from './ui-latency.js';

const root = repoRoot();
const started = Date.now();
const jco = JSON.parse(readFileSync(path.join(root, 'node_modules/@bytecodealliance/jco/package.json'), 'utf8')) as { version?: string };
const cpus = os.cpus();
if (process.env['ROMHOST_BENCH_NO_ENV'] !== '1') emit({
  bench: 'env',
  node: process.version,
  v8: process.versions.v8,
  jco: jco.version ?? 'unknown',
  cpu: cpus[0]?.model ?? 'unknown',
  cores: cpus.length,
  os: `${os.platform()} ${os.release()} ${os.arch()}`,
  date: new Date().toISOString(),
});

/** Every benchmark by name, in the order they run; `npm run bench -- NAME...` runs only those named. */
const benches: Record<string, () => Promise<void>> = {
  'route-throughput': () => routeThroughput({ root, rounds: 9, roundMs: 300, warmupMs: 1000 }),
  instantiate: () => instantiateBench({ root, iterations: 3000, warmup: 300, block: 100 }),
  'swap-pause': () =>
    swapPause({
      root,
      warm: { iterations: 10000, warmup: 500, block: 250 },
      cold: { iterations: 200, warmup: 10, block: 20 },
    }),
  restart: () => restartBench({ root, iterations: 20000, warmup: 500, block: 500 }),
  'fuel-overhead': () => fuelOverhead({ root, n: 1_000_000, iterations: 300, warmup: 20, block: 10 }),
  languages: () => languages({ root, perRound: 2000, rounds: 7, instances: 300 }),
  'ui-latency': () => uiLatency({ root, samples: 2000, block: 100, warmup: 200 }),
  'record-overhead': () => recordOverhead({ root, chains: 1000, iterations: 150, warmup: 10, block: 10 }),
  'replay-throughput': () => replayThroughput({ root, inputs: 20000, iterations: 30, warmup: 5, block: 3 }),
  million: async () => void (await million({ root, members: Number(process.env['ROMHOST_BENCH_MEMBERS'] ?? 1_000_000), latencyInputs: 20_000, throughputInputs: 50_000, maxWarm: 10_000, seed: 8, progressEvery: 50_000 })),
  'store-put': () => storePut({ root, steps: 5000 }),
  crash: () => crashBench({ root, kills: 1000, inputs: 3000 }),
  cluster: () => clusterBench({ root, inputs: 2000, rounds: 3, rooms: 1200, leaseMs: 2000 }),
  startup: () => startupBench({ root, rounds: 5 }),
  snapshot: async () => void (await snapshotBench({ root, members: 100_000, rounds: { windows: 50, family: 5 } })),
};
/**
 * million holds 10,000 warm instances beside a million hibernated ones: with V8's trap handler each
 * wasm memory reserves ~10 GiB of address space, and ~13,000 memories exhaust it. The host's wakes
 * reuse memories (host/engine/README.md), but the baseline makes a fresh one per start. So million
 * runs in a process of its own started with --disable-wasm-trap-handler (bounds checks inline), as
 * a host near that many warm children should be (docs/lifecycle.md); the other benches do not.
 * ROMHOST_BENCH_TRAP_HANDLER=on runs it in this process as it is started, for Node's default.
 */
const TRAP_HANDLER_OFF = '--disable-wasm-trap-handler';
if (!process.execArgv.includes(TRAP_HANDLER_OFF) && process.env['ROMHOST_BENCH_TRAP_HANDLER'] !== 'on') {
  benches['million'] = async () => {
    const child = spawnSync(process.execPath, [TRAP_HANDLER_OFF, fileURLToPath(import.meta.url), 'million'], { stdio: 'inherit', env: { ...process.env, ROMHOST_BENCH_NO_ENV: '1' } });
    if (child.status !== 0) throw new Error(`bench million exited with ${child.status}`);
  };
}
const chosen = process.argv.slice(2);
const unknown = chosen.filter((name) => !(name in benches));
if (unknown.length > 0) {
  process.stderr.write(`bench: no benchmark called ${unknown.join(', ')}: choose from ${Object.keys(benches).join(', ')}\n`);
  process.exit(2);
}
for (const [name, run] of Object.entries(benches)) if (chosen.length === 0 || chosen.includes(name)) await run();
progress(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
