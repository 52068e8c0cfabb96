import path from 'node:path';
import { createHost, Engine, parseScenario, type Host } from '../host/index.js';
import { sampleInterleaved, type InterleaveOptions, type Sample } from './interleave.js';
import { emitLatency, nowNs, progress } from './stats.js';

export interface FuelOverheadOptions extends InterleaveOptions {
  readonly root: string;
  /** The sieve's size: work per update. */
  readonly n: number;
}

/** Primes below 1,000,000: checks that both sides computed, not just returned. */
const PRIMES_BELOW = new Map([[1_000_000, 78_498]]);

/**
 * fuel-overhead: one update of a compute-heavy component (components/primes-wat, a sieve over n
 * bytes), published through the host, with its core module rewritten for fuel, call depth and the
 * memory cap (the default) vs the same host on `new Engine({ rewrite: false })`, unmetered.
 * The same n each time would be no change: the sides alternate between n and n + 1.
 */
export async function fuelOverhead(opts: FuelOverheadOptions): Promise<void> {
  progress('fuel-overhead: setting up a metered and an unmetered host');
  const yaml = `components: { primes: components/primes-wat/primes-wat.wasm }
children: { p: { component: primes, roms: { n: input/n }, reports: [count] } }
limits: { fuel: 1000000000 }
`;
  const scenario = parseScenario(yaml, path.join(opts.root, 'fuel-overhead.yaml'));
  const side = async (engine: Engine): Promise<Sample> => {
    const host: Host = createHost({ engine });
    await host.apply(scenario);
    const inputs = [String(opts.n), String(opts.n + 1)].map((s) => new TextEncoder().encode(s));
    let i = 0;
    return async () => {
      const t0 = nowNs();
      const result = await host.publish('n', inputs[i++ % 2]!);
      const ns = nowNs() - t0;
      if (result.faults.length > 0) throw new Error(`fuel-overhead: ${result.faults[0]!.message}`);
      const expected = PRIMES_BELOW.get(opts.n);
      const count = Number(new TextDecoder().decode(host.read('p/count')));
      if (expected !== undefined && count !== expected) throw new Error(`fuel-overhead: ${count} primes below ${opts.n}, expected ${expected}`);
      return ns;
    };
  };
  const sides: [string, Sample][] = [
    ['romhost', await side(new Engine())],
    ['baseline', await side(new Engine({ rewrite: false }))],
  ];
  const ns = await sampleInterleaved('fuel-overhead', sides, opts);
  const ms = (name: string) => ns.get(name)!.map((x) => x / 1e6);
  emitLatency({
    bench: 'fuel-overhead',
    unit: 'ms per update',
    romhost: ms('romhost'),
    baseline: ms('baseline'),
    baselineName: 'the same host on new Engine({ rewrite: false }): unmetered',
    goals: [{ text: 'ratio <= 1.5', met: (_, ratio) => ratio <= 1.5 }],
    extra: { n: opts.n, component: 'components/primes-wat (sieve of Eratosthenes)' },
  });
}
