import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHost, loadScenario, readJournal, recordJournal, replayJournal } from '../host/index.js';
import { sampleInterleaved, type InterleaveOptions } from './interleave.js';
import { SCENARIO } from './paths.js';
import { emit, median, nowNs, progress, sig3 } from './stats.js';

export interface ReplayThroughputOptions extends InterleaveOptions {
  readonly root: string;
  /** Distinct inputs in the recorded run. */
  readonly inputs: number;
}

const encoder = new TextEncoder();

/**
 * replay-throughput: a run of the counter example (apply, then `inputs` distinct inputs) is
 * recorded once; then, alternately, `replay()` of its journal (read beforehand) on a fresh host,
 * comparing every step, vs the live run of the same inputs on a fresh host (apply, then publish
 * each input, encoded beforehand). Both sides include creating the host, applying the scenario
 * and closing the host. Events per second: steps (the apply counts as one) per second of a run.
 */
export async function replayThroughput(opts: ReplayThroughputOptions): Promise<void> {
  progress(`replay-throughput: recording a run of ${opts.inputs} inputs`);
  const scenario = await loadScenario(path.join(opts.root, SCENARIO));
  const inputs = Array.from({ length: opts.inputs }, (_, i) => encoder.encode(String(i + 1)));
  const dir = mkdtempSync(path.join(tmpdir(), 'romhost-bench-'));
  const file = path.join(dir, 'run.journal');
  const host = createHost();
  const writer = recordJournal(host, file);
  await host.apply(scenario);
  for (const input of inputs) await host.publish('input', input);
  await writer.close();
  await host.close();
  const t0 = nowNs();
  const journal = await readJournal(file);
  const readNs = nowNs() - t0;
  rmSync(dir, { recursive: true, force: true });
  const events = journal.steps.length;
  if (events !== opts.inputs + 1) throw new Error(`replay-throughput: the journal holds ${events} steps, expected ${opts.inputs + 1}`);

  const ns = await sampleInterleaved(
    'replay-throughput',
    [
      [
        'replay',
        async () => {
          const t = nowNs();
          const result = await replayJournal(journal);
          const elapsed = nowNs() - t;
          if (result.divergence || result.steps !== events) throw new Error(`replay-throughput: the replay diverged: ${JSON.stringify(result)}`);
          return elapsed;
        },
      ],
      [
        'live',
        async () => {
          const t = nowNs();
          const live = createHost();
          await live.apply(scenario);
          for (const input of inputs) await live.publish('input', input);
          const out = live.read('plus-one/out');
          await live.close();
          const elapsed = nowNs() - t;
          if (new TextDecoder().decode(out) !== String(opts.inputs + 1)) throw new Error(`replay-throughput: the live run ends with plus-one/out ${new TextDecoder().decode(out)}`);
          return elapsed;
        },
      ],
    ],
    opts,
  );

  const rate = (side: string) => ns.get(side)!.map((x) => (events * 1e9) / x);
  const [replayed, live] = [median(rate('replay')), median(rate('live'))];
  // The sides alternate in blocks; pairing the i-th sample of each is steadier when the machine's speed drifts.
  const perPair = rate('replay').map((r, i) => r / rate('live')[i]!);
  emit({
    bench: 'replay-throughput',
    unit: 'events/s',
    romhost: sig3(replayed),
    baseline: sig3(live),
    baseline_name: 'the live run of the same inputs on a fresh host',
    ratio: sig3(replayed / live),
    ratio_per_pair_median: sig3(median(perPair)),
    goal: '>= 1',
    goal_met: replayed / live >= 1,
    events_per_run: events,
    runs: opts.iterations,
    read_journal_events_per_s: sig3((events * 1e9) / readNs),
  });
}
