import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Engine, type ChildImports } from '../host/index.js';
import { mainCoreModule } from './core-module.js';
import { COUNTER_WASM } from './paths.js';
import { emit, median, nowNs, progress, quantile, sig3 } from './stats.js';

export interface InstantiateOptions {
  readonly root: string;
  readonly iterations: number;
  readonly warmup: number;
  /** Iterations of one side before switching to the next: sides alternate in blocks this long. */
  readonly block: number;
}

type Sample = () => Promise<number>;

/**
 * instantiate: one more instance of an already compiled component through romhost's engine
 * (`engine.instantiate`, synchronous, with romhost's own import wiring) vs
 * `await WebAssembly.instantiate(module, imports)` of the same, already compiled, main core
 * module. `new WebAssembly.Instance` (the synchronous form) is reported alongside, for reference.
 * Every instance is dropped at once so that GC can reclaim it (each holds a 1-page memory).
 */
export async function instantiateBench(opts: InstantiateOptions): Promise<void> {
  const bytes = await readFile(path.join(opts.root, COUNTER_WASM));
  const engine = new Engine();
  const component = await engine.load(bytes, COUNTER_WASM);
  const module = await mainCoreModule(bytes);
  const childImports: ChildImports = { read: () => undefined, submit: () => {} };
  const coreImports = {
    'romhost:component/rom@0.1.0': { read: () => {} },
    'romhost:component/report@0.1.0': { submit: () => {} },
  };
  // Something each instance is handed to, so that no call is optimised away; reset each time.
  let sink: unknown;
  const sides: [string, Sample][] = [
    [
      'romhost',
      async () => {
        const t0 = nowNs();
        sink = engine.instantiate(component, childImports);
        return nowNs() - t0;
      },
    ],
    [
      'baseline',
      async () => {
        const t0 = nowNs();
        sink = await WebAssembly.instantiate(module, coreImports);
        return nowNs() - t0;
      },
    ],
    [
      'sync',
      async () => {
        const t0 = nowNs();
        sink = new WebAssembly.Instance(module, coreImports);
        return nowNs() - t0;
      },
    ],
  ];

  progress(`instantiate: warm-up (${opts.warmup} per side)`);
  for (const [, sample] of sides) for (let i = 0; i < opts.warmup; i++) await sample();

  progress(`instantiate: ${opts.iterations} per side, alternating in blocks of ${opts.block}`);
  const samples = new Map<string, number[]>(sides.map(([name]) => [name, []]));
  for (let done = 0, b = 0; done < opts.iterations; done += opts.block, b++) {
    const n = Math.min(opts.block, opts.iterations - done);
    for (let k = 0; k < sides.length; k++) {
      const [name, sample] = sides[(b + k) % sides.length]!;
      const into = samples.get(name)!;
      for (let i = 0; i < n; i++) into.push((await sample()) / 1000);
    }
  }
  sink = undefined;
  void sink;

  const stat = (name: string, q: number) => quantile(samples.get(name)!, q);
  const romhost = median(samples.get('romhost')!);
  const baseline = median(samples.get('baseline')!);
  emit({
    bench: 'instantiate',
    unit: 'µs',
    romhost: sig3(romhost),
    baseline: sig3(baseline),
    baseline_name: 'await WebAssembly.instantiate(compiled main core module, imports)',
    ratio: sig3(romhost / baseline),
    goal: '<= 1.5 (median)',
    goal_met: romhost / baseline <= 1.5,
    romhost_p99: sig3(stat('romhost', 0.99)),
    baseline_p99: sig3(stat('baseline', 0.99)),
    sync_instance: sig3(median(samples.get('sync')!)),
    sync_instance_p99: sig3(stat('sync', 0.99)),
    iterations: opts.iterations,
  });
}
