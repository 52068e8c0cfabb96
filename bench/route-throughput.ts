import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createHost, Engine, loadScenario, type Host } from '../host/index.js';
import { mainCoreModule } from './core-module.js';
import { HandChain } from './hand-loop.js';
import { ADDER_WASM, COUNTER_WASM, SCENARIO } from './paths.js';
import { emit, median, nowNs, progress, sig3 } from './stats.js';

/** One side of the comparison: publishes `inputs` one chain each, in order. */
interface Side {
  readonly name: string;
  run(inputs: readonly Uint8Array[]): Promise<void>;
  /** Chains run so far, to check the side really counted every one. */
  chains: number;
  check(): void;
}

const encoder = new TextEncoder();

/** Distinct decimal inputs, encoded before the clock starts: every one is a real change. */
function inputs(from: number, count: number): Uint8Array[] {
  const out: Uint8Array[] = new Array<Uint8Array>(count);
  for (let i = 0; i < count; i++) out[i] = encoder.encode(String(from + i));
  return out;
}

function expectOut(side: string, out: Uint8Array | undefined, chains: number): void {
  const got = out === undefined ? '(none)' : new TextDecoder().decode(out);
  if (got !== String(chains + 1)) throw new Error(`${side}: plus-one/out is ${got} after ${chains} chains, expected ${chains + 1}`);
}

async function hostSide(name: string, host: Host, scenarioFile: string): Promise<Side> {
  const result = await host.apply(await loadScenario(scenarioFile));
  if (result.faults.length > 0) throw new Error(`${name}: the scenario faulted: ${JSON.stringify(result.faults)}`);
  const side: Side = {
    name,
    chains: 0,
    async run(values) {
      for (const value of values) await host.publish('input', value);
      side.chains += values.length;
    },
    check() {
      expectOut(name, host.read('plus-one/out'), side.chains);
    },
  };
  return side;
}

function handSide(counter: WebAssembly.Module, adder: WebAssembly.Module): Side {
  const chain = new HandChain(counter, adder);
  const side: Side = {
    name: 'hand-loop',
    chains: 0,
    async run(values) {
      for (const value of values) chain.publish(value);
      side.chains += values.length;
    },
    check() {
      expectOut('hand-loop', chain.read('plus-one/out'), side.chains);
    },
  };
  return side;
}

/** Chains per second of one timed round of `count` chains (inputs encoded before timing). */
async function round(side: Side, count: number, next: { value: number }): Promise<number> {
  const values = inputs(next.value, count);
  next.value += count;
  const t0 = nowNs();
  await side.run(values);
  const ns = nowNs() - t0;
  return (count * 1e9) / ns;
}

export interface RouteOptions {
  readonly root: string;
  readonly rounds: number;
  /** Target length of one timed round, per side. */
  readonly roundMs: number;
  readonly warmupMs: number;
}

/** route-throughput (vs hand-loop) and route-throughput-vs-jco-glue, measured in interleaved rounds. */
export async function routeThroughput(opts: RouteOptions): Promise<void> {
  const scenarioFile = path.join(opts.root, SCENARIO);
  const [counterBytes, adderBytes] = await Promise.all([
    readFile(path.join(opts.root, COUNTER_WASM)),
    readFile(path.join(opts.root, ADDER_WASM)),
  ]);
  progress('route-throughput: setting up romhost, jco glue and hand-loop sides');
  const hosts = [createHost(), createHost({ engine: new Engine({ callPath: 'glue' }) })] as const;
  const sides = [
    await hostSide('romhost', hosts[0], scenarioFile),
    handSide(await mainCoreModule(counterBytes), await mainCoreModule(adderBytes)),
    await hostSide('jco-glue', hosts[1], scenarioFile),
  ];
  // Every side publishes its own increasing sequence, starting above anything published before.
  const next = new Map(sides.map((s) => [s, { value: 1 }]));

  // Warm-up, which also sizes each side's rounds to about roundMs.
  progress(`route-throughput: warm-up (${opts.warmupMs} ms per side)`);
  const sizes = new Map<Side, number>();
  for (const side of sides) {
    let count = 64;
    let rate = 0;
    const until = nowNs() + opts.warmupMs * 1e6;
    while (nowNs() < until) {
      rate = await round(side, count, next.get(side)!);
      count = Math.min(count * 2, Math.max(64, Math.round((rate * opts.roundMs) / 1000)));
    }
    sizes.set(side, Math.max(64, Math.round((rate * opts.roundMs) / 1000)));
  }

  const rates = new Map<Side, number[]>(sides.map((s) => [s, []]));
  for (let r = 0; r < opts.rounds; r++) {
    progress(`route-throughput: round ${r + 1}/${opts.rounds}`);
    // Rotate the order so that no side always runs right after the same one.
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(r + k) % sides.length]!;
      rates.get(side)!.push(await round(side, sizes.get(side)!, next.get(side)!));
    }
  }
  for (const side of sides) side.check();
  for (const host of hosts) await host.close();

  const [romhost, hand, glue] = sides as [Side, Side, Side];
  const report = (bench: string, baseline: Side, baselineName: string, goal: number) => {
    const x = median(rates.get(romhost)!);
    const y = median(rates.get(baseline)!);
    // The machine's speed drifts between rounds: the ratio within each round is steadier than the ratio of medians.
    const perRound = rates.get(romhost)!.map((r, i) => r / rates.get(baseline)![i]!);
    const spread = (side: Side) => [sig3(Math.min(...rates.get(side)!)), sig3(Math.max(...rates.get(side)!))];
    emit({
      bench,
      unit: 'chains/s',
      romhost: sig3(x),
      baseline: sig3(y),
      baseline_name: baselineName,
      ratio: sig3(x / y),
      ratio_per_round_median: sig3(median(perRound)),
      goal: `>= ${goal}`,
      goal_met: x / y >= goal,
      romhost_us_per_chain: sig3(1e6 / x),
      baseline_us_per_chain: sig3(1e6 / y),
      rounds: opts.rounds,
      range: { romhost: spread(romhost), baseline: spread(baseline) },
      chains_per_round: { romhost: sizes.get(romhost), baseline: sizes.get(baseline) },
    });
  };
  report('route-throughput', hand, 'hand-loop', 0.5);
  report('route-throughput-vs-jco-glue', glue, 'romhost host on new Engine({ callPath: "glue" }) (jco 1.35 glue)', 10);
}
