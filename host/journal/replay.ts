import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { displayPath } from '../display-path.js';
import { createHost, loadScenario, type Host, type HostOptions, type Scenario, type StepResult } from '../index.js';
import { fail, isRomhostError } from '../errors.js';
import { compareStep, type Divergence } from './compare.js';
import { decodeBytes, type EventEntry } from './format.js';
import { readJournal, type Journal, type JournalStep } from './read-journal.js';
import { describeDivergence } from './describe-divergence.js';
import { appliedScenario } from './applied-scenario.js';
import { HeardSteps } from './heard-steps.js';

export interface ReplayOptions {
  /** Apply this scenario file wherever the recording applied one, instead of the recorded YAML. */
  readonly scenario?: string;
  /** Run these children on other components (child → .wasm path): a replay against another implementation. */
  readonly swaps?: Readonly<Record<string, string>>;
  /** Options of the fresh host (an engine of its own, `restartBeforeUpdate` for checks); not `durable`, which would make each step wait for a store. */
  readonly host?: Omit<HostOptions, 'durable'>;
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
  // What the steps cause, compared as the host tells it.
  const heard = new HeardSteps(journal.steps);
  const untap = host.tap(heard);
  let steps = 0;
  try {
    // One event at a time, what it caused compared as the host tells it (HeardSteps) before the
    // next. An event that loads nothing runs as a step at once (Host.step): a replay holds its
    // events at hand, and a promise and an await per step were a sixth of its time.
    for (const journalStep of journal.steps) {
      const { event } = journalStep;
      try {
        const ran = perform(host, journalStep, journal, folder, options);
        if (ran instanceof Promise) await ran;
      } catch (e) {
        if (isJournalError(e)) throw e;
        return { steps, divergence: { step: event.step, event, kind: 'event', recordedText: 'ran', replayedText: (e as Error).message } };
      }
      const replayed = heard.end();
      steps += 1;
      options.onStep?.(steps, journal.steps.length);
      // The recorded entries are made back from the packed journal only for a step that may differ.
      const divergence = replayed && compareStep(event, journalStep.caused, replayed);
      if (divergence) return { steps, divergence };
    }
    return { steps };
  } finally {
    untap();
    await host.close();
  }
}

/**
 * Runs one recorded event: one that loads nothing as a step at once (Host.step), an apply or a
 * swap as the promise of its step.
 */
function perform(host: Host, { event, content }: JournalStep, journal: Journal, folder: string, options: ReplayOptions): StepResult | Promise<unknown> {
  if ('input' in event) return host.step({ kind: 'publish', source: event.input, content: content ?? decodeBytes(event) });
  if ('kill' in event) return host.step({ kind: 'kill', child: event.kill });
  if ('restart' in event) return host.step({ kind: 'restart', child: event.restart });
  if ('hibernate' in event) return host.step({ kind: 'hibernate', child: event.hibernate });
  return 'apply' in event ? apply(host, event, journal, folder, options) : swap(host, event, journal, folder, options);
}

async function apply(host: Host, event: Extract<EventEntry, { apply: unknown }>, journal: Journal, folder: string, options: ReplayOptions): Promise<void> {
  const scenario = options.scenario ? await loadScenario(options.scenario) : appliedScenario(event, folder);
  const applied = withSwaps(scenario, options.swaps ?? {});
  if (options.scenario) return void (await host.apply(applied));
  // Each component the host loaded is checked against the recording by the hash the host took of
  // it (the apply on events$): a file read once. Should the apply fail, the files are read, so that
  // a changed one is refused with the check's error, whatever the host made of it.
  let loaded: Readonly<Record<string, string>> = {};
  const heard = host.events$.subscribe((e) => {
    if (e.kind === 'apply') loaded = e.components;
  });
  try {
    await host.apply(applied);
  } catch (e) {
    await checkComponents(applied, event, journal.file, (_name, path) => fileHash(path));
    throw e;
  } finally {
    heard.unsubscribe();
  }
  await checkComponents(applied, event, journal.file, async (name) => loaded[name]);
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
async function checkComponents(
  scenario: Scenario,
  event: Extract<EventEntry, { apply: unknown }>,
  file: string,
  found: (name: string, path: string) => Promise<string | undefined>,
): Promise<void> {
  const running = new Set(scenario.children.map((c) => c.component));
  for (const [name, recorded] of Object.entries(event.apply.components)) {
    const ref = scenario.components[name];
    if (ref && running.has(name)) changed(file, event.step, name, ref.path, recorded, await found(name, ref.path));
  }
}

async function checkComponent(file: string, step: number, name: string, path: string, recorded: string): Promise<void> {
  changed(file, step, name, path, recorded, await fileHash(path));
}

/** Refuses a component whose hash is not the recorded one; one not found (its file unreadable) is left to the host, whose error says so. */
function changed(file: string, step: number, name: string, path: string, recorded: string, found: string | undefined): void {
  if (found !== undefined && found !== recorded) fail('journal-component-changed', { file, step, name, path: displayPath(path), recorded, found });
}

/** The SHA-256 of a component's file, a component's identity (DESIGN §1); undefined when it cannot be read. */
async function fileHash(path: string): Promise<string | undefined> {
  const bytes = await readFile(path).catch(() => undefined);
  return bytes && createHash('sha256').update(bytes).digest('hex');
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
