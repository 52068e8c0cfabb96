import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createHost, loadScenario } from '../host/index.js';
import { mainCoreModule } from './core-module.js';
import { COUNTED, counterRoms, startCounting, text, Watch } from './counter-host.js';
import { HandStart } from './hand-start.js';
import { sampleInterleaved, type InterleaveOptions, type Sample } from './interleave.js';
import { COUNTER_WASM, SCENARIO } from './paths.js';
import { emitLatency, nowNs, progress } from './stats.js';

export interface RestartOptions extends InterleaveOptions {
  readonly root: string;
}

/**
 * restart: `await host.restart('counter')` on the counter example: a fresh instance of
 * counter-wat, its first update on the same ROMs, whose reports equal the last ones and so wake
 * nobody (checked after every restart, with the restart count in `host.state`). Baseline:
 * hand-start.ts, an instance of the same main core module and its first update.
 */
export async function restartBench(opts: RestartOptions): Promise<void> {
  progress('restart: setting up the host and the hand-start baseline');
  const host = createHost();
  await startCounting(host, await loadScenario(path.join(opts.root, SCENARIO)));
  const watch = new Watch(host);
  const module = await mainCoreModule(await readFile(path.join(opts.root, COUNTER_WASM)));
  const hand = new HandStart(counterRoms(host));
  const restarts = () => host.state.children['counter']?.restarts ?? 0;

  const sides: [string, Sample][] = [
    [
      'romhost',
      async () => {
        const before = watch.seen;
        const restarted = restarts();
        const t0 = nowNs();
        await host.restart('counter');
        const ns = nowNs() - t0;
        if (restarts() !== restarted + 1) throw new Error(`restart: host/state counts ${restarts()} restarts, expected ${restarted + 1}`);
        watch.expectQuiet(before, 'restart');
        return ns;
      },
    ],
    [
      'baseline',
      async () => {
        const t0 = nowNs();
        hand.start(module);
        const ns = nowNs() - t0;
        const count = text(hand.submitted.get('count'));
        if (count !== String(COUNTED)) throw new Error(`hand-start: count is ${count}, expected ${COUNTED}`);
        return ns;
      },
    ],
  ];
  const ns = await sampleInterleaved('restart', sides, opts);
  watch.close();
  await host.close();

  const us = (side: string) => ns.get(side)!.map((x) => x / 1000);
  emitLatency({
    bench: 'restart',
    unit: 'µs',
    romhost: us('romhost'),
    baseline: us('baseline'),
    baselineName: 'new WebAssembly.Instance(main core module, hand-written imports) + its first update (hand-start.ts)',
    extra: { iterations: opts.iterations },
  });
}
