import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { Subscription } from 'rxjs';
import { displayPath } from '../display-path.js';
import { createHost, loadScenario, type Host, type HostOptions, type Scenario, type StepResult } from '../index.js';
import { fail, isRomhostError } from '../errors.js';
import { compareHeard, type Divergence, type Heard } from './compare.js';
import { decodeBytes, type EventEntry } from './format.js';
import { readJournal, type Journal } from './read-journal.js';
import { describeDivergence } from './describe-divergence.js';
import { appliedScenario } from './applied-scenario.js';

export interface ReplayOptions {
  /** Apply this scenario file wherever the recording applied one, instead of the recorded YAML. */
  readonly scenario?: string;
  /** Run these children on other components (child → .wasm path): a replay against another implementation. */
  readonly swaps?: Readonly<Record<string, string>>;
  /** Options of the fresh host (an engine of its own, `restartBeforeUpdate` for checks). */
  readonly host?: HostOptions;
  /** Hears of each step replayed: for progress on a terminal. */
  readonly onStep?: (done: number, total: number) => void;
}

export interface ReplayResult {
  /** Steps replayed: all of them when identical, up to the divergent one otherwise. */
  readonly steps: number;
  readonly divergence?: Divergence;
}

/**
 * Feeds a journal's events to a fresh host and compares, step by step, every report change and
 * fault with the recording. Stops at the first divergence.
 */
export async function replay(journal: Journal, options: ReplayOptions = {}): Promise<ReplayResult> {
  const folder = dirname(resolve(journal.file));
  const host = createHost(options.host ?? {});
  // What the steps cause, as the host says it, in order: the replay knows its events, and lifecycle is not compared.
  const heard: Heard[] = [];
  const listening = new Subscription();
  listening.add(host.reports$.subscribe((c) => heard.push(c)));
  listening.add(host.faults$.subscribe((f) => heard.push(f)));
  let steps = 0;
  try {
    for (let at = 0; at < journal.steps.length; ) {
      // A run of inputs and commands the host queues at once goes in together, with no wait
      // between steps; an apply or a swap loads components first and goes alone.
      const end = windowEnd(journal.steps, at);
      const window = journal.steps.slice(at, end);
      heard.length = 0;
      const results = await Promise.all(
        window.map(({ event }) =>
          perform(host, event, journal, folder, options).then(
            (r) => ({ step: (r as StepResult | undefined)?.step }),
            (e: unknown) => ({ error: e }),
          ),
        ),
      );
      // What each step caused: the heard entries of its step number, in order.
      let h = 0;
      for (let i = 0; i < window.length; i++) {
        const { event, caused: recorded } = window[i]!;
        const result = results[i]!;
        if ('error' in result) {
          if (isJournalError(result.error)) throw result.error;
          return { steps, divergence: { step: event.step, event, kind: 'event', recordedText: 'ran', replayedText: (result.error as Error).message } };
        }
        const from = h;
        if (result.step !== undefined) while (h < heard.length && heard[h]!.step <= result.step) h++;
        else h = heard.length; // an apply or swap, alone in its window
        steps += 1;
        options.onStep?.(steps, journal.steps.length);
        const divergence = compareHeard(event, recorded, from === 0 && h === heard.length ? heard : heard.slice(from, h));
        if (divergence) return { steps, divergence };
      }
      at = end;
    }
    return { steps };
  } finally {
    listening.unsubscribe();
    await host.close();
  }
}

/** Steps a window holds at most: enough that waiting once per window costs nothing, few enough to stop soon after a divergence. */
const WINDOW = 256;

/** Where the window that starts at `at` ends: a run of events the host queues at once, or one apply or swap. */
function windowEnd(steps: Journal['steps'], at: number): number {
  const queuedAtOnce = (e: EventEntry) => !('apply' in e) && !('swap' in e);
  if (!queuedAtOnce(steps[at]!.event)) return at + 1;
  let end = at + 1;
  while (end < steps.length && end - at < WINDOW && queuedAtOnce(steps[end]!.event)) end++;
  return end;
}

/**
 * Runs one recorded event. Not itself async: an input, kill or restart hands back the host's own
 * promise, so the step costs the replay no promise of its own (replay-throughput).
 */
function perform(host: Host, event: EventEntry, journal: Journal, folder: string, options: ReplayOptions): Promise<unknown> {
  if ('input' in event) return host.publish(event.input.slice('input/'.length), decodeBytes(event));
  if ('kill' in event) return host.kill(event.kill);
  if ('restart' in event) return host.restart(event.restart);
  if ('hibernate' in event) return host.hibernate(event.hibernate);
  return 'apply' in event ? apply(host, event, journal, folder, options) : swap(host, event, journal, folder, options);
}

async function apply(host: Host, event: Extract<EventEntry, { apply: unknown }>, journal: Journal, folder: string, options: ReplayOptions): Promise<void> {
  const scenario = options.scenario ? await loadScenario(options.scenario) : appliedScenario(event, folder);
  const applied = withSwaps(scenario, options.swaps ?? {});
  if (!options.scenario) await checkComponents(applied, event, journal.file);
  await host.apply(applied);
}

async function swap(host: Host, event: Extract<EventEntry, { swap: unknown }>, journal: Journal, folder: string, options: ReplayOptions): Promise<void> {
  const override = options.swaps?.[event.swap];
  if (override !== undefined) {
    await host.swap(event.swap, override);
    return;
  }
  if (event.path === null) fail('journal-component-missing', { file: journal.file, step: event.step, child: event.swap, component: event.component });
  const path = resolve(folder, event.path!);
  await checkComponent(journal.file, event.step, basename(path), path, event.component);
  await host.swap(event.swap, path);
}

/** The scenario with each swapped child on its replacement: a component entry of its own, named after the child. */
export function withSwaps(scenario: Scenario, swaps: Readonly<Record<string, string>>): Scenario {
  if (Object.keys(swaps).length === 0) return scenario;
  const components = { ...scenario.components };
  const children = scenario.children.map((child) => {
    const path = swaps[child.name];
    if (path === undefined) return child;
    const name = `${child.name} (--swap)`;
    components[name] = { name, path: resolve(path), line: 0 };
    return { ...child, component: name };
  });
  return { ...scenario, components, children };
}

/**
 * A component that changed on disk since the recording would make every divergence a false alarm:
 * say so first. Only the components a child runs: those of swapped children run on their
 * replacements (withSwaps has moved them), and one no child runs changes nothing (a later swap
 * to it by path is checked at that swap).
 */
async function checkComponents(scenario: Scenario, event: Extract<EventEntry, { apply: unknown }>, file: string): Promise<void> {
  const running = new Set(scenario.children.map((c) => c.component));
  for (const [name, recorded] of Object.entries(event.apply.components)) {
    const ref = scenario.components[name];
    if (ref && running.has(name)) await checkComponent(file, event.step, name, ref.path, recorded);
  }
}

async function checkComponent(file: string, step: number, name: string, path: string, recorded: string): Promise<void> {
  // A file that cannot be read is left to the host, whose error says so.
  const bytes = await readFile(path).catch(() => undefined);
  if (bytes === undefined) return;
  const found = createHash('sha256').update(bytes).digest('hex'); // a component's identity (DESIGN §1)
  if (found !== recorded) fail('journal-component-changed', { file, step, name, path: displayPath(path), recorded, found });
}

/** The journal's own errors (a component changed on disk, one missing) are the user's to fix, not divergences. */
function isJournalError(e: unknown): boolean {
  return isRomhostError(e) && e.code.startsWith('journal-');
}

/**
 * A journal as a regression test, in one line: `it('stays the same', () => assertReplays('test/replay/counter.journal'))`.
 * Resolves when the replay is identical; rejects with the first divergence, described, otherwise.
 */
export async function assertReplays(file: string, options: ReplayOptions = {}): Promise<void> {
  const result = await replay(await readJournal(file), options);
  if (result.divergence) throw new Error(`replay of ${file} diverged at ${describeDivergence(result.divergence)}`);
}
