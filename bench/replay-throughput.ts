import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHost, loadScenario, parseScenario, readJournal, recordJournal, replayJournal, type Host } from '../host/index.js';
import { sampleInterleaved, type InterleaveOptions } from './interleave.js';
import { SCENARIO } from './paths.js';
import { collector, emit, median, nowNs, progress, sig3 } from './stats.js';

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
 * each input, encoded beforehand, and await it, as a program fed from outside does). Every side
 * includes creating the host, applying the scenario and closing the host, and each starts from the
 * scenario's text as the replay does from the journal's: the live sides parse it (read
 * beforehand), as the replay parses the text its journal recorded. Events per second: steps (the
 * apply counts as one) per second of a run.
 *
 * A replay holds its events at hand and runs each as a step at once (`host.step`); a third side,
 * a live run that does the same, says how much of the live run that alone saves: the replay's
 * comparison is what it costs beyond that.
 */
export async function replayThroughput(opts: ReplayThroughputOptions): Promise<void> {
  progress(`replay-throughput: recording a run of ${opts.inputs} inputs`);
  const file = path.join(opts.root, SCENARIO);
  const scenario = await loadScenario(file);
  const text = readFileSync(file, 'utf8');
  const inputs = Array.from({ length: opts.inputs }, (_, i) => encoder.encode(String(i + 1)));
  const dir = mkdtempSync(path.join(tmpdir(), 'romhost-bench-'));
  const journalFile = path.join(dir, 'run.journal');
  const host = createHost();
  const writer = recordJournal(host, journalFile);
  await host.apply(scenario);
  for (const input of inputs) await host.publish('input', input);
  await writer.close();
  await host.close();
  const gc = collector();
  gc();
  const before = process.memoryUsage();
  const t0 = nowNs();
  const journal = await readJournal(journalFile);
  const readNs = nowNs() - t0;
  gc();
  const after = process.memoryUsage();
  // What the journal read holds: its objects in the heap, its packed bytes outside it.
  const journalBytes = after.heapUsed + after.external - (before.heapUsed + before.external);
  rmSync(dir, { recursive: true, force: true });
  const events = journal.steps.length;
  if (events !== opts.inputs + 1) throw new Error(`replay-throughput: the journal holds ${events} steps, expected ${opts.inputs + 1}`);

  /** A live run on a fresh host: the scenario parsed and applied, the inputs fed by `feed`, the host closed; checked by its last report. */
  const liveRun =
    (feed: (host: Host) => unknown): (() => Promise<number>) =>
    async () => {
      const t = nowNs();
      const live = createHost();
      await live.apply(parseScenario(text, file));
      await feed(live);
      const out = live.read('plus-one/out');
      await live.close();
      const elapsed = nowNs() - t;
      const last = new TextDecoder().decode(out);
      if (last !== String(opts.inputs + 1)) throw new Error(`replay-throughput: the live run ends with plus-one/out ${last}`);
      return elapsed;
    };

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
        'live-step',
        liveRun((live) => {
          for (const content of inputs) live.step({ kind: 'publish', source: 'input/input', content });
        }),
      ],
      [
        'live',
        liveRun(async (live) => {
          for (const input of inputs) await live.publish('input', input);
        }),
      ],
    ],
    opts,
  );

  const rate = (side: string) => ns.get(side)!.map((x) => (events * 1e9) / x);
  const [replayed, live, liveStep] = [median(rate('replay')), median(rate('live')), median(rate('live-step'))];
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
    live_step_events_per_s: sig3(liveStep),
    ratio_to_live_step: sig3(replayed / liveStep),
    events_per_run: events,
    runs: opts.iterations,
    read_journal_events_per_s: sig3((events * 1e9) / readNs),
    journal_bytes_per_event: sig3(journalBytes / events),
  });
}
