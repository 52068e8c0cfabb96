import { crashTrials } from './crash-trials.js';
import { SCENARIO } from './paths.js';
import { emit, median, progress, quantile, sig3 } from './stats.js';

export interface CrashOptions {
  readonly root: string;
  readonly kills: number;
  readonly inputs: number;
}

/**
 * crash: the crash test at full count (test/crash.test.ts deals 200 kills in CI): the counter
 * example on an lmdb store, killed with SIGKILL `kills` times at seeded random points and started
 * again. Prints what was lost (must be nothing) and what a restart costs, from spawning the
 * process until it has resumed from its store.
 */
export async function crashBench(opts: CrashOptions): Promise<void> {
  const inputs = Array.from({ length: opts.inputs }, (_, i) => JSON.stringify({ rom: 'input/input', text: `v${i + 1}` }));
  const t0 = performance.now();
  const result = await crashTrials({
    root: opts.root,
    scenario: SCENARIO,
    inputs,
    kills: opts.kills,
    seed: 1,
    onKill: (n) => n % 50 === 0 && progress(`crash: ${n}/${opts.kills} kills`),
  });
  const inOrder = result.journalInputs.length === inputs.length && result.journalInputs.every((v, i) => v === `v${i + 1}`);
  emit({
    bench: 'crash',
    kills: result.kills,
    starts: result.starts,
    acknowledged: result.acks,
    lost: result.lost.length,
    journal_exact: inOrder,
    final_count: result.reports['counter/count'],
    goal: 'no acknowledged input lost, each input once, final reports as uninterrupted',
    goal_met: result.lost.length === 0 && inOrder && result.reports['counter/count'] === String(inputs.length),
    resume_ms_median: sig3(median(result.startMs)),
    resume_ms_p99: sig3(quantile(result.startMs, 0.99)),
    seconds: sig3((performance.now() - t0) / 1000),
  });
}
