import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createHost, Engine, parseScenario, type Host } from '../host/index.js';
import { mainCoreModule } from './core-module.js';
import { HandStart } from './hand-start.js';
import { COUNTER_WASM } from './paths.js';
import { collector, emit, median, nowNs, progress, quantile, sig3 } from './stats.js';

export interface MillionOptions {
  readonly root: string;
  /** Members registered, one input each (issue 8: 1,000,000). */
  readonly members: number;
  /** Random inputs timed one by one, each beside a baseline start, for the wake latencies. */
  readonly latencyInputs: number;
  /** Random inputs run back to back, for wakes per second. */
  readonly throughputInputs: number;
  readonly maxWarm: number;
  readonly seed: number;
  /** Progress on stderr every this many inputs (0: none). */
  readonly progressEvery?: number;
}

/** The figures of a run, as emitted. */
export interface MillionResult {
  readonly members: number;
  readonly rss_mib: number;
  readonly bytes_per_member_rss: number;
  readonly bytes_per_member_heap: number;
  readonly bytes_per_member_external: number;
  readonly wake_p50_us: number;
  readonly wake_p99_us: number;
  readonly baseline_p50_us: number;
  readonly baseline_p99_us: number;
  readonly wake_ratio: number;
  readonly wakes_per_s: number;
  /** Of the random inputs, how many woke a hibernated member (the rest found theirs warm). */
  readonly woken: number;
  readonly random_inputs: number;
  readonly warm: number;
  readonly goal_met_each: readonly boolean[];
}

/**
 * mulberry32: a tiny seeded 32-bit generator (public domain, Tommy Ettinger). The bench must
 * draw the same members on every run; Math.random would not.
 */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

interface Memory {
  readonly rss: number;
  readonly heapUsed: number;
  /** ArrayBuffers and other memory V8 tracks outside its heap: the ROM values' bytes. */
  readonly external: number;
}

function memory(gc: () => void): Memory {
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}

/** One family of counter-wat, `room/*`, each member created by its input `input/room/KEY/msg`: million's, and snapshot's. */
export const familyScenario = (root: string, maxWarm: number) => `
components: { counter: ${path.join(root, COUNTER_WASM)} }
limits: { max_warm: ${maxWarm} }
children:
  room/*:
    component: counter
    roms: { input: input/room/*/msg, state: room/*/state }
    reports: [count, state]
`;

/**
 * million (issue 8): one family of counter-wat, `members` members each created by an input of
 * its own, then inputs to members drawn by a seeded generator, at most `maxWarm` warm. Reports the
 * host's memory per registered member, the latency of an input that wakes a member against
 * `HandStart` (a raw instance of the same compiled main core module and its start update, reading
 * the same two ROMs), and wakes per second.
 */
export async function million(opts: MillionOptions): Promise<MillionResult> {
  const gc = collector();
  const every = opts.progressEvery ?? 0;
  const say = (line: string) => every > 0 && progress(`million: ${line}`);
  const module = await mainCoreModule(await readFile(path.join(opts.root, COUNTER_WASM)));
  const engine = new Engine({ cache: 'default' });
  const host: Host = createHost({ engine });
  let woken = 0;
  host.lifecycle$.subscribe((e) => void (e.action === 'woken' && (woken += 1)));
  // Every input must have run: a fault (a member that could not start) would make the figures lie.
  const faults: string[] = [];
  host.faults$.subscribe((f) => void faults.push(`${f.child}: ${f.message}`));
  const applied = await host.apply(parseScenario(familyScenario(opts.root, opts.maxWarm), path.join(opts.root, 'million.yaml')));
  if (applied.faults.length > 0) throw new Error(`million: the scenario faulted: ${JSON.stringify(applied.faults)}`);

  // Phase 1: register every member, one input each.
  const before = memory(gc);
  const t0 = nowNs();
  for (let k = 0; k < opts.members; k++) {
    await host.publish(`room/${k}/msg`, 'a');
    if (every > 0 && (k + 1) % every === 0) say(`registered ${k + 1} of ${opts.members} (${((k + 1) / ((nowNs() - t0) / 1e9)).toFixed(0)}/s)`);
  }
  const registerS = (nowNs() - t0) / 1e9;
  const after = memory(gc);
  const family = host.state.families?.['room/*'];
  if (family?.members !== opts.members) throw new Error(`million: ${family?.members} members registered, expected ${opts.members}`);

  // Phase 2: latency. Each random input beside one baseline start on the same member's ROMs, order alternating.
  const next = mulberry32(opts.seed);
  const wakeUs: number[] = [];
  const baseUs: number[] = [];
  let value = 0;
  const wokenBefore = woken;
  let sink: unknown;
  let baselineRetries = 0;
  for (let i = 0; i < opts.latencyInputs; i++) {
    const k = next() % opts.members;
    const content = String(++value);
    const romhost = async () => {
      const seen = woken;
      const t = nowNs();
      await host.publish(`room/${k}/msg`, content);
      const us = (nowNs() - t) / 1000;
      if (woken > seen) wakeUs.push(us);
    };
    const baseline = () => {
      const start = new HandStart(new Map([['input', new TextEncoder().encode(content)], ['state', host.read(`room/${k}/state`)!]]));
      for (;;) {
        const t = nowNs();
        try {
          start.start(module);
        } catch (e) {
          // Beside 10,000 live instances, V8 sometimes fails to find address space for one more before
          // it has freed dropped ones (the host's instances never did here): collect, and time a new try.
          if (!(e instanceof RangeError && /Out of memory/.test(e.message))) throw e;
          baselineRetries += 1;
          gc();
          continue;
        }
        baseUs.push((nowNs() - t) / 1000);
        break;
      }
      sink = start.submitted;
    };
    if (i % 2 === 0) await romhost(), baseline();
    else baseline(), await romhost();
    if (every > 0 && (i + 1) % every === 0) say(`latency ${i + 1} of ${opts.latencyInputs}`);
  }
  void sink;
  const latencyWoken = woken - wokenBefore;

  // Phase 3: throughput, back to back.
  const wokenBefore3 = woken;
  const t3 = nowNs();
  for (let i = 0; i < opts.throughputInputs; i++) await host.publish(`room/${next() % opts.members}/msg`, String(++value));
  const throughputS = (nowNs() - t3) / 1e9;
  const throughputWoken = woken - wokenBefore3;
  if (faults.length > 0) throw new Error(`million: ${faults.length} faults, the first: ${faults[0]}`);
  const end = memory(gc);
  const warm = host.state.families!['room/*']!.warm;
  await host.close();

  const perMember = (a: number, b: number) => sig3((b - a) / opts.members);
  const p50 = median(wakeUs);
  const base50 = median(baseUs);
  const rssMib = sig3(end.rss / 2 ** 20);
  const wakesPerS = sig3(throughputWoken / throughputS);
  const goals = [rssMib <= 2048, p50 <= 250, quantile(wakeUs, 0.99) <= 2000, p50 / base50 <= 2, wakesPerS >= 4000];
  const result: MillionResult = {
    members: opts.members,
    rss_mib: rssMib,
    bytes_per_member_rss: perMember(before.rss, after.rss),
    bytes_per_member_heap: perMember(before.heapUsed, after.heapUsed),
    bytes_per_member_external: perMember(before.external, after.external),
    wake_p50_us: sig3(p50),
    wake_p99_us: sig3(quantile(wakeUs, 0.99)),
    baseline_p50_us: sig3(base50),
    baseline_p99_us: sig3(quantile(baseUs, 0.99)),
    wake_ratio: sig3(p50 / base50),
    wakes_per_s: wakesPerS,
    woken: latencyWoken + throughputWoken,
    random_inputs: opts.latencyInputs + opts.throughputInputs,
    warm,
    goal_met_each: goals,
  };
  emit({
    bench: 'million',
    unit: 'µs (wake latency), B per member, wakes/s',
    ...result,
    baseline_name: 'HandStart: new WebAssembly.Instance (synchronous, a little faster than await WebAssembly.instantiate) of the compiled counter-wat main core module + its start update, reading the same input and state',
    goal: 'rss <= 2048 MiB; wake p50 <= 250 µs; wake p99 <= 2000 µs; p50 ratio <= 2; >= 4000 wakes/s',
    goal_met: goals.every(Boolean),
    register_per_s: sig3(opts.members / registerS),
    max_warm: opts.maxWarm,
    seed: opts.seed,
    heap_used_mib: sig3(end.heapUsed / 2 ** 20),
    baseline_out_of_memory_retries: baselineRetries,
    external_mib: sig3(end.external / 2 ** 20),
    // How wakes got their instances: core instances made by V8 or made new (reused), and memories (engine's README).
    instances: engine.stats().instances,
    memories: engine.stats().memories,
  });
  return result;
}
