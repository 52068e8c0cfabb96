import { dirname, resolve } from 'node:path';
import { createHost, loadScenario, type Host, type HostOptions, type Scenario } from '../index.js';
import { fail } from '../errors.js';
import { jsonValue } from '../json-value.js';
import { compareStep, type Divergence } from './compare.js';
import { ddmin } from './ddmin.js';
import { decodeBytes, isEvent, type CausedEntry, type EventEntry } from './format.js';
import type { Journal } from './read-journal.js';
import { Recorder } from './recorder.js';
import { withSwaps } from './replay.js';
import { appliedScenario } from './applied-scenario.js';

/**
 * One input of a bisection: an input ROM's new value or a lifecycle command, as a line of
 * `romhost run --inputs` gives it (host/cli/command-line.ts), with where it came from.
 */
export type BisectInput = (
  | { readonly kind: 'publish'; /** NAME of `input/NAME` */ readonly name: string; readonly content: Uint8Array }
  | { readonly kind: 'kill' | 'restart' | 'hibernate'; readonly child: string }
  | { readonly kind: 'swap'; readonly child: string; /** The .wasm file's path. */ readonly component: string }
) & {
  /** Where it came from, for messages: `steps.jsonl:3`, `run.journal step 4`. */
  readonly at?: string;
};

interface BisectCommon {
  /** The child run on `a` in one host and on `b` in the other; every other child is as the scenario says. */
  readonly child: string;
  /** The two implementations of `child`: paths of .wasm files. */
  readonly a: string;
  readonly b: string;
  /** Most paired runs the minimizing may take (default 1000): past it, the reproduction is shorter but perhaps not minimal. */
  readonly maxRuns?: number;
  /** Options of the fresh hosts (an engine of their own). */
  readonly host?: HostOptions;
  /** Hears how far the bisection is: for progress on a terminal. */
  readonly onProgress?: (progress: BisectProgress) => void;
}

export type BisectOptions = BisectCommon &
  (
    | {
        /** The scenario file, or a scenario already loaded. */
        readonly scenario: string | Scenario;
        /** The inputs, in order, run after the scenario is applied. */
        readonly inputs: readonly BisectInput[];
        readonly journal?: never;
      }
    | {
        /** By default the scenario the journal's first step applied, from the YAML it recorded. */
        readonly scenario?: string | Scenario;
        /** Take the inputs from a journal: every event after its first apply (see `journalInputs`). */
        readonly journal: Journal;
        readonly inputs?: never;
      }
  );

export type BisectProgress =
  /** Running every input on A and B: `done` of `of` agreed so far. */
  | { readonly phase: 'compare'; readonly done: number; readonly of: number }
  /** Shrinking the `of` inputs up to the divergent one: `runs` paired runs so far, the shortest reproduction `size` inputs long. */
  | { readonly phase: 'minimize'; readonly runs: number; readonly size: number; readonly of: number };

export interface BisectResult {
  /** The scenario's file: as given, or as the journal recorded it (resolved against the journal's folder). */
  readonly scenario: string;
  /** The inputs bisected, in order. */
  readonly inputs: readonly BisectInput[];
  /** How many inputs A and B ran and agreed on: all of them when they never diverge. */
  readonly agreed: number;
  /** Where A and B first diverge; absent when they agree when the scenario is applied and on every input. */
  readonly divergence?: BisectDivergence;
}

/** The first divergence: `recorded` is what A did, `replayed` what B did (`describeDivergence(d, { recorded: 'A', replayed: 'B' })` says so). */
export interface BisectDivergence extends Divergence {
  /** The divergent input's index in `inputs`; -1 when A and B differ already when the scenario is applied. */
  readonly index: number;
  readonly reproduction: Reproduction;
}

/** The shortest inputs found that diverge as the whole run did: the same report (or fault, or failed command) at their last input. */
export interface Reproduction {
  /** The inputs, in order, the divergent one last; none when the divergence is at the apply. */
  readonly inputs: readonly BisectInput[];
  /** Their indices in the inputs bisected. */
  readonly indices: readonly number[];
  /** How A and B diverge at the last of them (the values of this shorter run). */
  readonly divergence: Divergence;
  /** Paired runs the minimizing took. */
  readonly runs: number;
  /** True when no input can be left out without losing the divergence; false when `maxRuns` stopped the search first. */
  readonly minimal: boolean;
}

const DEFAULT_MAX_RUNS = 1000;

/**
 * For two implementations of a child: the first input at which their reports diverge, and a
 * minimal reproduction. Runs two fresh hosts in lockstep, the child on `a` in one and on `b` in
 * the other, and compares what each step caused (every report change and fault, as a replay
 * does). At the first divergence, delta debugging shrinks the inputs before it: each candidate
 * subsequence, the divergent input last, is run on two fresh hosts again, and kept when it
 * diverges at its last input on the same report. Deterministic, as the host is.
 *
 * A command that fails on both hosts (an unknown child, a missing file) is an error of the inputs,
 * not a divergence: it throws `bisect-input-fails`. A scenario or component that does not load
 * throws as `host.apply` does.
 */
export async function bisect(options: BisectOptions): Promise<BisectResult> {
  // Without a scenario the options are the journal's kind (the type requires one with inputs).
  const scenario =
    typeof options.scenario === 'string' ? await loadScenario(options.scenario) : (options.scenario ?? journalScenario(options.journal!));
  const { child, onProgress } = options;
  const known = scenario.children.map((c) => c.name);
  if (!known.includes(child)) fail('bisect-unknown-child', { file: scenario.file, child, known });
  const inputs = options.journal ? journalInputs(options.journal) : options.inputs;
  const pair: Pair = { a: withSwaps(scenario, { [child]: options.a }), b: withSwaps(scenario, { [child]: options.b }), host: options.host ?? {} };

  const run = await runPair(pair, inputs, onProgress && ((done) => onProgress({ phase: 'compare', done, of: inputs.length })));
  if (run.failed) {
    const { index, reason } = run.failed;
    fail('bisect-input-fails', { input: index + 1, at: inputs[index]!.at ?? describeInput(inputs[index]!), reason });
  }
  if (!run.divergence) return { scenario: scenario.file, inputs, agreed: inputs.length };
  const { index, divergence } = run.divergence;
  if (index < 0) {
    return { scenario: scenario.file, inputs, agreed: 0, divergence: { ...divergence, index, reproduction: { inputs: [], indices: [], divergence, runs: 0, minimal: true } } };
  }

  const last = inputs[index]!;
  // The divergence of each subsequence that reproduced, to report the shortest one's own values.
  const reproduced = new Map<string, Divergence>();
  const reproduces = async (before: readonly number[]): Promise<boolean> => {
    const { divergence: d } = await runPair(pair, [...before.map((i) => inputs[i]!), last]);
    if (!d || d.index !== before.length || !sameKind(d.divergence, divergence)) return false;
    reproduced.set(before.join(','), d.divergence);
    return true;
  };
  const prefix = inputs.slice(0, index).map((_, i) => i);
  const shortest = await ddmin(prefix, reproduces, {
    maxTests: options.maxRuns ?? DEFAULT_MAX_RUNS,
    ...(onProgress ? { onTest: (runs: number, size: number) => onProgress({ phase: 'minimize', runs, size: size + 1, of: index + 1 }) } : {}),
  });
  const indices = [...shortest.items, index];
  const reproduction: Reproduction = {
    inputs: indices.map((i) => inputs[i]!),
    indices,
    // Not found only when nothing could be left out: then the reproduction is the run itself.
    divergence: reproduced.get(shortest.items.join(',')) ?? divergence,
    runs: shortest.tests,
    minimal: shortest.minimal,
  };
  return { scenario: scenario.file, inputs, agreed: index, divergence: { ...divergence, index, reproduction } };
}

/**
 * A journal's events as inputs: every event after its first apply, swaps by the path recorded
 * (relative to the journal's folder). Refuses what a bisection cannot run on one scenario, or
 * write as `romhost run --inputs` lines: a later apply, a swap to a component given as bytes.
 */
export function journalInputs(journal: Journal): BisectInput[] {
  const folder = dirname(resolve(journal.file));
  return journal.steps.flatMap(({ event }, i): BisectInput[] => {
    const at = `${journal.file} step ${event.step}`;
    if ('apply' in event) {
      if (i === 0) return [];
      return fail('bisect-journal-unusable', { file: journal.file, step: event.step, detail: `it applies a scenario again (${event.apply.file})` });
    }
    if ('input' in event) return [{ kind: 'publish', name: event.input.slice('input/'.length), content: decodeBytes(event), at }];
    if ('kill' in event) return [{ kind: 'kill', child: event.kill, at }];
    if ('restart' in event) return [{ kind: 'restart', child: event.restart, at }];
    if ('hibernate' in event) return [{ kind: 'hibernate', child: event.hibernate, at }];
    if (event.path === null) {
      return fail('bisect-journal-unusable', { file: journal.file, step: event.step, detail: `child "${event.swap}" is swapped to a component given as bytes (${event.component.slice(0, 12)}), not a file` });
    }
    return [{ kind: 'swap', child: event.swap, component: resolve(folder, event.path), at }];
  });
}

/** The scenario a journal's first step applied, from the YAML it recorded. */
function journalScenario(journal: Journal): Scenario {
  const first = journal.steps[0]?.event;
  if (!first || !('apply' in first)) return fail('bisect-journal-unusable', { file: journal.file, step: first?.step ?? 0, detail: 'it does not start by applying a scenario: give the scenario to apply' });
  return appliedScenario(first, dirname(resolve(journal.file)));
}

/** An input, short, for messages: `input/NAME = "text"`, `kill CHILD`, `swap CHILD to FILE`. */
function describeInput(input: BisectInput): string {
  switch (input.kind) {
    case 'publish': {
      const value = JSON.stringify(jsonValue(input.content));
      return `input/${input.name} = ${value.length > 60 ? `${value.slice(0, 57)}...` : value}`;
    }
    case 'swap':
      return `swap ${input.child} to ${input.component}`;
    default:
      return `${input.kind} ${input.child}`;
  }
}

/** The scenario with the child on A, and with it on B. */
interface Pair {
  readonly a: Scenario;
  readonly b: Scenario;
  readonly host: HostOptions;
}

interface PairRun {
  /** Where A and B first differ: the input's index (-1: the apply) and how. */
  readonly divergence?: { readonly index: number; readonly divergence: Divergence };
  /** An input that failed on both, with A's reason: the inputs are at fault, not the implementations. */
  readonly failed?: { readonly index: number; readonly reason: string };
}

/** One host of a pair, and what its current step caused, as journal entries. */
class Side {
  readonly host: Host;
  readonly #recorder: Recorder;
  event: EventEntry | undefined;
  readonly caused: CausedEntry[] = [];

  constructor(options: HostOptions) {
    this.host = createHost(options);
    this.#recorder = new Recorder(this.host, (entry) => void (isEvent(entry) ? (this.event = entry) : this.caused.push(entry)));
  }

  /** Applies the scenario; one that does not load throws: the caller's to fix, not a divergence. */
  async apply(scenario: Scenario): Promise<void> {
    this.#begin();
    await this.host.apply(scenario);
  }

  /** Runs one input; returns why it failed, or undefined when it ran. */
  async run(input: BisectInput): Promise<string | undefined> {
    this.#begin();
    try {
      await perform(this.host, input);
      return undefined;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  #begin(): void {
    this.event = undefined;
    this.caused.length = 0;
  }

  async close(): Promise<void> {
    this.#recorder.stop();
    await this.host.close();
  }
}

/** Applies the scenario on two fresh hosts, then runs the inputs on both in lockstep, until their steps first differ. */
async function runPair(pair: Pair, inputs: readonly BisectInput[], onInput?: (done: number) => void): Promise<PairRun> {
  const a = new Side(pair.host);
  const b = new Side(pair.host);
  try {
    await a.apply(pair.a);
    await b.apply(pair.b);
    const atApply = compareStep(a.event!, a.caused, b.caused);
    if (atApply) return { divergence: { index: -1, divergence: atApply } };
    for (let index = 0; index < inputs.length; index++) {
      const input = inputs[index]!;
      const failedA = await a.run(input);
      const failedB = await b.run(input);
      if (failedA !== undefined && failedB !== undefined) return { failed: { index, reason: failedA } };
      if (failedA !== undefined || failedB !== undefined) {
        // One side ran it: its event names the step (the failed side took none).
        const event = (a.event ?? b.event)!;
        const outcome = (failed: string | undefined) => (failed === undefined ? 'ran it' : `failed: ${failed}`);
        return { divergence: { index, divergence: { step: event.step, event, kind: 'event', recordedText: outcome(failedA), replayedText: outcome(failedB) } } };
      }
      const divergence = compareStep(a.event!, a.caused, b.caused);
      if (divergence) return { divergence: { index, divergence } };
      onInput?.(index + 1);
    }
    return {};
  } finally {
    await a.close();
    await b.close();
  }
}

function perform(host: Host, input: BisectInput): Promise<unknown> {
  switch (input.kind) {
    case 'publish':
      return host.publish(input.name, input.content);
    case 'kill':
      return host.kill(input.child);
    case 'restart':
      return host.restart(input.child);
    case 'hibernate':
      return host.hibernate(input.child);
    case 'swap':
      return host.swap(input.child, input.component);
  }
}

/** The same divergence, for delta debugging: the same kind, at the same report or child (the values may differ). */
function sameKind(x: Divergence, y: Divergence): boolean {
  return x.kind === y.kind && x.report === y.report && x.child === y.child;
}
