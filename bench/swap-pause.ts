import { readFile } from 'node:fs/promises';
import path from 'node:path';
import v8 from 'node:v8';
import { createHost, Engine, loadScenario, parseScenario, type Scenario } from '../host/index.js';
import { mainCoreBytes } from './core-module.js';
import { COUNTED, counterRoms, startCounting, text, Watch } from './counter-host.js';
import { HandStart } from './hand-start.js';
import { sampleInterleaved, type InterleaveOptions, type Sample } from './interleave.js';
import { COUNTER_HIDDEN_WASM, COUNTER_WASM, SCENARIO } from './paths.js';
import { emitLatency, nowNs, progress } from './stats.js';

export interface SwapPauseOptions {
  readonly root: string;
  /** The live swap: both components already loaded by the host's engine. */
  readonly warm: InterleaveOptions;
  /** Bytes new to the engine: a fresh host on a fresh Engine per swap. */
  readonly cold: InterleaveOptions;
}

/** One of the counter's two components, and what a swap to it shows. */
interface Version {
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly core: Uint8Array<ArrayBuffer>;
  readonly module: WebAssembly.Module;
  /** The example scenario with this component as the counter's. */
  readonly scenario: Scenario;
  /** Its first `count` on the ROMs of a host that counted with counter-wat (hand-start's check). */
  readonly count: string;
}

/**
 * swap-pause: `host.swap('counter', bytes)` on the counter example, from the call until the promise
 * resolves, which is after the new child's first reports were routed (checked on `rom$` and
 * `reports$` after every swap). Warm: the host alternates between counter-wat and
 * counter-hidden-wat, both loaded. Cold: a fresh host and Engine per swap, so that the component's
 * bytes are new to the engine (split by jco, checked, compiled), and V8's native module cache off,
 * so that every compile is real on both sides. Baseline of both: hand-start.ts, an instance of the
 * same main core module and its first update; cold, compiled first.
 */
export async function swapPause(opts: SwapPauseOptions): Promise<void> {
  const scenarioFile = path.join(opts.root, SCENARIO);
  const counting = await loadScenario(scenarioFile);
  const scenarioText = await readFile(scenarioFile, 'utf8');
  if (!scenarioText.includes(COUNTER_WASM)) throw new Error(`${SCENARIO} does not name ${COUNTER_WASM}`);
  const hidden = parseScenario(scenarioText.replace(COUNTER_WASM, COUNTER_HIDDEN_WASM), scenarioFile);
  const version = async (file: string, scenario: Scenario, count: string): Promise<Version> => {
    const bytes = await readFile(path.join(opts.root, file));
    const core = await mainCoreBytes(bytes);
    return { file, bytes, core, module: await WebAssembly.compile(core), scenario, count };
  };
  // counter-wat finds its count in its routed-back state; counter-hidden-wat starts again at 1.
  const versions = [await version(COUNTER_WASM, counting, String(COUNTED)), await version(COUNTER_HIDDEN_WASM, hidden, '1')] as const;
  /** plus-one/out once counter-wat, or counter-hidden-wat, is swapped in on a host where counter-wat counted. */
  const warmOut = (to: 0 | 1) => String(Number(versions[to].count) + 1);

  progress('swap-pause: setting up the host and the hand-start baseline');
  const host = createHost();
  await startCounting(host, counting);
  await host.engine.load(versions[1].bytes, COUNTER_HIDDEN_WASM);
  const watch = new Watch(host);
  const hand = new HandStart(counterRoms(host));
  // Which component each side runs now: each sample swaps to the other one.
  let hostAt: 0 | 1 = 0;
  let handAt: 0 | 1 = 0;
  /** The baseline: hand-start of the other component; cold, from its core module's bytes. */
  const handSide =
    (cold: boolean): Sample =>
    async () => {
      handAt = handAt === 0 ? 1 : 0;
      const v = versions[handAt];
      const t0 = nowNs();
      hand.start(cold ? await WebAssembly.compile(v.core) : v.module);
      const ns = nowNs() - t0;
      const count = text(hand.submitted.get('count'));
      if (count !== v.count) throw new Error(`hand-start of ${v.file}: count is ${count}, expected ${v.count}`);
      return ns;
    };
  const warm: [string, Sample][] = [
    [
      'romhost',
      async () => {
        const to = hostAt === 0 ? 1 : 0;
        const before = watch.seen;
        const t0 = nowNs();
        await host.swap('counter', versions[to].bytes);
        const ns = nowNs() - t0;
        hostAt = to;
        watch.expectRouted(before, warmOut(to), `swap to ${versions[to].file}`);
        return ns;
      },
    ],
    ['baseline', handSide(false)],
  ];
  const warmNs = await sampleInterleaved('swap-pause', warm, opts.warm);
  watch.close();
  await host.close();

  // Cold: each swap on a new host whose engine has loaded only the scenario's components.
  let coldAt: 0 | 1 = 0;
  const cold: [string, Sample][] = [
    [
      'romhost',
      async () => {
        const from = coldAt;
        const to = from === 0 ? 1 : 0;
        coldAt = to;
        const fresh = createHost({ engine: new Engine() });
        await startCounting(fresh, versions[from].scenario);
        const freshWatch = new Watch(fresh);
        const before = freshWatch.seen;
        const t0 = nowNs();
        await fresh.swap('counter', versions[to].bytes);
        const ns = nowNs() - t0;
        // Either way the new counter's count is 1: counter-hidden-wat starts from nothing, and
        // counter-wat finds no state to go on (counter-hidden-wat submits none).
        freshWatch.expectRouted(before, '2', `cold swap to ${versions[to].file}`);
        freshWatch.close();
        await fresh.close();
        return ns;
      },
    ],
    ['baseline', handSide(true)],
  ];
  const coldNs = await withoutNativeModuleCache(() => sampleInterleaved('swap-pause-cold', cold, opts.cold));

  const ms = (samples: Map<string, number[]>, side: string) => samples.get(side)!.map((x) => x / 1e6);
  emitLatency({
    bench: 'swap-pause',
    unit: 'ms',
    romhost: ms(warmNs, 'romhost'),
    baseline: ms(warmNs, 'baseline'),
    baselineName: 'new WebAssembly.Instance(main core module, hand-written imports) + its first update (hand-start.ts)',
    goals: [
      { text: '<= 5 ms (median)', met: (romhost) => romhost <= 5 },
      { text: 'ratio <= 2 (median)', met: (_, ratio) => ratio <= 2 },
    ],
    extra: { swaps: `${COUNTER_WASM} <-> ${COUNTER_HIDDEN_WASM}, both loaded (engine cache warm)`, iterations: opts.warm.iterations },
  });
  emitLatency({
    bench: 'swap-pause-cold',
    unit: 'ms',
    romhost: ms(coldNs, 'romhost'),
    baseline: ms(coldNs, 'baseline'),
    baselineName: 'await WebAssembly.compile(main core module bytes) + new WebAssembly.Instance + its first update (hand-start.ts)',
    extra: {
      swaps: 'each on a fresh host and Engine: bytes new to the engine',
      v8_native_module_cache: false,
      iterations: opts.cold.iterations,
    },
  });
}

const CACHE_FLAG = 'wasm-native-module-cache-enabled';

/**
 * Runs `f` with V8's native module cache off. V8 shares the compiled code of identical wasm bytes
 * while a module compiled from them is alive: the same core modules, loaded by the warm side and
 * held by this bench, would then cost neither cold side a compile. Turned back on afterwards
 * unless Node was started without it.
 */
async function withoutNativeModuleCache<T>(f: () => Promise<T>): Promise<T> {
  v8.setFlagsFromString(`--no-${CACHE_FLAG}`);
  try {
    return await f();
  } finally {
    if (!process.execArgv.includes(`--no-${CACHE_FLAG}`)) v8.setFlagsFromString(`--${CACHE_FLAG}`);
  }
}
