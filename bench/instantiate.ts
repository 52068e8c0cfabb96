import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Engine, type ChildImports } from '../host/index.js';
import { mainCoreModule } from './core-module.js';
import { sampleInterleaved, type InterleaveOptions, type Sample } from './interleave.js';
import { COUNTER_WASM } from './paths.js';
import { emitLatency, median, nowNs, quantile, sig3 } from './stats.js';

export interface InstantiateOptions extends InterleaveOptions {
  readonly root: string;
}

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
        sink = engine.instantiate(component, childImports, { fuel: 10_000_000, memoryMib: 256 });
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

  const ns = await sampleInterleaved('instantiate', sides, opts);
  sink = undefined;
  void sink;

  const us = (name: string) => ns.get(name)!.map((x) => x / 1000);
  const sync = us('sync');
  emitLatency({
    bench: 'instantiate',
    unit: 'µs',
    romhost: us('romhost'),
    baseline: us('baseline'),
    baselineName: 'await WebAssembly.instantiate(compiled main core module, imports)',
    goals: [{ text: '<= 1.5 (median)', met: (_, ratio) => ratio <= 1.5 }],
    extra: { sync_instance: sig3(median(sync)), sync_instance_p99: sig3(quantile(sync, 0.99)), iterations: opts.iterations },
  });
}
