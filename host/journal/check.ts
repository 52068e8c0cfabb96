import { dirname, resolve } from 'node:path';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { compareCodeUnits } from '../code-unit-order.js';
import { fail } from '../errors.js';
import { loadScenario, type HostOptions } from '../index.js';
import { familyOf } from '../scenario/index.js';
import type { Divergence } from './compare.js';
import { describeDivergence } from './describe-divergence.js';
import type { Journal } from './read-journal.js';
import { replay } from './replay.js';
import { appliedScenario } from './applied-scenario.js';

/** The chance of a restart before each update in a seeded run: often enough to hit every kind of update in a short journal, rarely enough that the restarted instance also runs on for a while. */
const RESTART_ODDS = 4;
const MAX_SEED = 0xffff_ffff;

export interface CheckOptions {
  /** Check only this child: its own run, and in the seeded run only its updates are restarted. */
  readonly child?: string;
  /** Adds a run that restarts children at random updates, drawn from this seed (0 to 4294967295): the same seed restarts at the same points. */
  readonly seed?: number;
  /** Apply this scenario file wherever the recording applied one, instead of the recorded YAML (as `replay` does). */
  readonly scenario?: string;
  /** Options of the fresh hosts (an engine of their own); the check supplies `restartBeforeUpdate`. */
  readonly host?: Omit<HostOptions, 'restartBeforeUpdate'>;
  /** Hears of each step replayed, in each run: for progress on a terminal. */
  readonly onProgress?: (progress: CheckProgress) => void;
}

export interface CheckProgress {
  /** The run under way, from 1, of `runs`, and what it restarts. */
  readonly run: number;
  readonly runs: number;
  readonly label: string;
  /** Steps of this run replayed so far, of `of`. */
  readonly steps: number;
  readonly of: number;
}

/** A restart the check made: the child was given a fresh instance before its update in this step. */
export interface RestartPoint {
  readonly step: number;
  readonly child: string;
}

/** One replay of the journal with restarts, and what came of it. */
export interface CheckRun {
  /** What the run restarts, for a person: `restart counter before each of its updates`. */
  readonly label: string;
  /** The child restarted; in a seeded run, absent when any child may be. */
  readonly child?: string;
  readonly seed?: number;
  /** Steps replayed: all of them when identical, up to the divergent one otherwise. */
  readonly steps: number;
  /** Every restart made, in order. None means the run checked nothing: the child never updated. */
  readonly restarts: readonly RestartPoint[];
  /** The first report or fault that differs from the recording; absent when the run is identical. */
  readonly divergence?: Divergence;
}

export interface CheckResult {
  /** The children the journal runs, in name order. */
  readonly children: readonly string[];
  /** Steps in the journal. */
  readonly steps: number;
  /** One run per child checked (name order), then the seeded run. */
  readonly runs: readonly CheckRun[];
  /** True when every run replayed every report and fault as recorded. */
  readonly holds: boolean;
}

/**
 * The state-machine property (DESIGN §3.4), checked on a journal: replays it once per child with
 * that child restarted before each of its updates, and, given a seed, once more with restarts at
 * random updates; a conforming component changes no report, so each run must replay exactly as
 * recorded. A restart here is the host's `restartBeforeUpdate`: a fresh instance whose start
 * update replaces the update, without a lifecycle event, so the journal's own entries still apply.
 */
export async function checkStateMachine(journal: Journal, options: CheckOptions = {}): Promise<CheckResult> {
  const { child: only, seed } = options;
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED)) fail('check-seed', { seed: String(seed) });
  const where = options.scenario ?? journal.file;
  const children = await childrenOf(journal, options.scenario);
  if (children.length === 0) fail('check-no-children', { file: where });
  if (only !== undefined && !children.includes(only)) fail('check-unknown-child', { file: where, child: only, known: children });

  const plans: Plan[] = (only === undefined ? children : [only]).map((child) => ({
    label: `restart ${child} before each of its updates`,
    fields: { child },
    // A family (`room/*`) is checked through its members (`room/42`).
    restart: (c) => c === child || familyOf(c) === child,
  }));
  if (seed !== undefined) {
    // One generator for the whole run, drawn from in update order, which is deterministic (§3.2): the same seed restarts at the same points.
    const rng = xoroshiro128plus(seed);
    plans.push({
      label: `restart ${only ?? 'any child'} at random updates (1 in ${RESTART_ODDS}), seed ${seed}`,
      fields: only === undefined ? { seed } : { child: only, seed },
      restart: (c) => (only === undefined || c === only) && uniformInt(rng, 1, RESTART_ODDS) === 1,
    });
  }

  const runs: CheckRun[] = [];
  for (const [i, plan] of plans.entries()) {
    const restarts: RestartPoint[] = [];
    const restartBeforeUpdate = (child: string, step: number): boolean => {
      if (!plan.restart(child)) return false;
      restarts.push({ step, child });
      return true;
    };
    const { onProgress } = options;
    const result = await replay(journal, {
      ...(options.scenario === undefined ? {} : { scenario: options.scenario }),
      host: { ...options.host, restartBeforeUpdate },
      ...(onProgress ? { onStep: (steps: number, of: number) => onProgress({ run: i + 1, runs: plans.length, label: plan.label, steps, of }) } : {}),
    });
    runs.push({ label: plan.label, ...plan.fields, steps: result.steps, restarts, ...(result.divergence ? { divergence: result.divergence } : {}) });
  }
  return { children, steps: journal.steps.length, runs, holds: runs.every((r) => !r.divergence) };
}

interface Plan {
  readonly label: string;
  readonly fields: { readonly child?: string; readonly seed?: number };
  /** Asked before each update of `child`, in order: restart it first? */
  readonly restart: (child: string) => boolean;
}

/** Every child any applied scenario runs (or the replacing scenario), in name order. */
async function childrenOf(journal: Journal, scenario: string | undefined): Promise<string[]> {
  const names = new Set<string>();
  if (scenario !== undefined) {
    for (const c of (await loadScenario(scenario)).children) names.add(c.name);
  } else {
    const folder = dirname(resolve(journal.file));
    for (const { event } of journal.steps) {
      if ('apply' in event) for (const c of appliedScenario(event, folder).children) names.add(c.name);
    }
  }
  return [...names].sort(compareCodeUnits);
}

/**
 * A run for a person, one line when it holds: `restart counter before each of its updates:
 * identical (5 steps, 4 restarts)`; at a divergence, the divergence described, and the restart
 * that came last before it.
 */
export function describeCheckRun(run: CheckRun): string {
  const n = run.restarts.length;
  const restarts = `${n} restart${n === 1 ? '' : 's'}`;
  if (!run.divergence) {
    if (n === 0) return `${run.label}: identical, but nothing was checked: no update ran that it restarts (${run.steps} steps)`;
    return `${run.label}: identical (${run.steps} steps, ${restarts})`;
  }
  const d = run.divergence;
  const before = run.restarts.filter((r) => r.step <= d.step);
  const last = before.at(-1);
  // Without a restart before it, the divergence is not the property's: the journal itself does not replay.
  const context = last
    ? `${before.length} restart(s) up to step ${d.step}, the last of ${last.child} in step ${last.step}`
    : `no restart came before it: the journal does not replay as recorded even without restarts (romhost replay shows it)`;
  return `${run.label}: diverged at ${describeDivergence(d)}\n  ${context}`;
}
