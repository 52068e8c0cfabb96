import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHost, loadScenario, readJournal, recordJournal, type Host } from '../host/index.js';
import { sampleInterleaved, type InterleaveOptions, type Sample } from './interleave.js';
import { SCENARIO } from './paths.js';
import { emitLatency, median, nowNs, progress, sig3 } from './stats.js';

export interface RecordOverheadOptions extends InterleaveOptions {
  readonly root: string;
  /** Chains (distinct inputs) per sample. */
  readonly chains: number;
}

const encoder = new TextEncoder();

/**
 * record-overhead: the counter example fed distinct inputs, as route-throughput does, on a host
 * whose run is recorded (recordJournal into a real file in a tmp folder) vs the same on a host
 * that records nothing. A sample is `chains` publishes on one side; the sides alternate in blocks.
 * Afterwards the journal is read back: it must hold every chain, and the file is removed.
 */
export async function recordOverhead(opts: RecordOverheadOptions): Promise<void> {
  progress('record-overhead: setting up a recorded and a plain host on the counter example');
  const scenario = await loadScenario(path.join(opts.root, SCENARIO));
  const dir = mkdtempSync(path.join(tmpdir(), 'romhost-bench-'));
  const file = path.join(dir, 'run.journal');
  const plain = createHost();
  const recorded = createHost();
  const journal = recordJournal(recorded, file);
  await plain.apply(scenario);
  await recorded.apply(scenario);

  // Each side publishes its own increasing sequence, encoded before the clock starts: every input is a change.
  const published = new Map<Host, number>([
    [plain, 0],
    [recorded, 0],
  ]);
  const side = (host: Host): Sample => async () => {
    const from = published.get(host)!;
    const inputs = Array.from({ length: opts.chains }, (_, i) => encoder.encode(String(from + i + 1)));
    const t0 = nowNs();
    for (const input of inputs) await host.publish('input', input);
    const ns = nowNs() - t0;
    published.set(host, from + opts.chains);
    return ns;
  };
  const ns = await sampleInterleaved('record-overhead', [['recorded', side(recorded)], ['plain', side(plain)]], opts);

  await journal.close();
  for (const host of [plain, recorded]) {
    const out = new TextDecoder().decode(host.read('plus-one/out'));
    if (out !== String(published.get(host)! + 1)) throw new Error(`record-overhead: plus-one/out is ${out} after ${published.get(host)} chains`);
    await host.close();
  }
  const bytes = statSync(file).size;
  const steps = (await readJournal(file)).steps.length;
  rmSync(dir, { recursive: true, force: true });
  if (steps !== published.get(recorded)! + 1) throw new Error(`record-overhead: the journal holds ${steps} steps, expected ${published.get(recorded)! + 1}`);

  const perChain = (side: string) => ns.get(side)!.map((x) => x / opts.chains / 1000);
  // The sides alternate in blocks; pairing the i-th sample of each is steadier when the machine's speed drifts.
  const perPair = perChain('recorded').map((x, i) => x / perChain('plain')[i]!);
  emitLatency({
    bench: 'record-overhead',
    unit: 'µs per chain',
    romhost: perChain('recorded'),
    baseline: perChain('plain'),
    baselineName: 'the same host without recordJournal',
    goals: [{ text: 'ratio <= 1.2', met: (_median, ratio) => ratio <= 1.2 }],
    extra: { ratio_per_pair_median: sig3(median(perPair)), chains_per_sample: opts.chains, journal_steps: steps, journal_bytes_per_step: sig3(bytes / steps) },
  });
}
