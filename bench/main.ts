/**
 * romhost's benchmarks: `npm run bench`. One JSON line per measurement on stdout, progress on
 * stderr. Never asserts timings; bench/README.md says what each figure means.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { instantiateBench } from './instantiate.js';
import { repoRoot } from './paths.js';
import { restartBench } from './restart.js';
import { routeThroughput } from './route-throughput.js';
import { fuelOverhead } from './fuel-overhead.js';
import { languages } from './languages.js';
import { emit, progress } from './stats.js';
import { swapPause } from './swap-pause.js';

const root = repoRoot();
const started = Date.now();
const jco = JSON.parse(readFileSync(path.join(root, 'node_modules/@bytecodealliance/jco/package.json'), 'utf8')) as { version?: string };
const cpus = os.cpus();
emit({
  bench: 'env',
  node: process.version,
  v8: process.versions.v8,
  jco: jco.version ?? 'unknown',
  cpu: cpus[0]?.model ?? 'unknown',
  cores: cpus.length,
  os: `${os.platform()} ${os.release()} ${os.arch()}`,
  date: new Date().toISOString(),
});

await routeThroughput({ root, rounds: 9, roundMs: 300, warmupMs: 1000 });
await instantiateBench({ root, iterations: 3000, warmup: 300, block: 100 });
await swapPause({
  root,
  warm: { iterations: 10000, warmup: 500, block: 250 },
  cold: { iterations: 200, warmup: 10, block: 20 },
});
await restartBench({ root, iterations: 20000, warmup: 500, block: 500 });
await fuelOverhead({ root, n: 1_000_000, iterations: 300, warmup: 20, block: 10 });
await languages({ root, perRound: 2000, rounds: 7, instances: 300 });
progress(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
