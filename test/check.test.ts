import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../host/cli/command-line.js';
import {
  checkStateMachine,
  decodeBytes,
  describeCheckRun,
  recordRun,
  type CheckProgress,
  type CheckRun,
  type Journal,
} from '../host/journal/index.js';
import { isRomhostError, loadScenario } from '../host/index.js';
import { romhost } from './support/cli.js';
import { COUNTER_CHAIN, scenario } from './support/scenarios.js';

/**
 * `romhost check` (DESIGN §3.4): real components, replayed with their children restarted. Every
 * passing check also asserts that restarts happened, so a check that restarts nothing cannot pass.
 */

const HIDDEN_CHAIN = COUNTER_CHAIN.replace('components/counter-wat/counter-wat.wasm', 'components/counter-hidden-wat/counter-hidden-wat.wasm');
const ROOT = process.cwd();

/** A reference run of an inline scenario (component paths relative to the repository) with these values of `input/input`. */
function reference(yaml: string, inputs: readonly string[]): Promise<Journal> {
  return recordRun(
    async (host) => {
      await host.apply(scenario(yaml));
      for (const input of inputs) await host.publish('input', input);
    },
    { file: resolve('inline.yaml') },
  );
}

/** A reference run of a scenario file with the lines of an inputs file, as `romhost check SCENARIO --inputs FILE` records it. */
async function referenceOf(scenarioFile: string, inputsFile: string): Promise<Journal> {
  const loaded = await loadScenario(scenarioFile);
  const lines = readFileSync(inputsFile, 'utf8').split('\n').filter((l) => l.trim() !== '');
  return recordRun(
    async (host) => {
      await host.apply(loaded);
      for (const line of lines) {
        const command = parseCommandLine(line, ROOT);
        if (command.kind !== 'publish') throw new Error(`the session has only inputs, not ${line}`);
        await host.publish(command.name, command.content);
      }
    },
    { file: scenarioFile },
  );
}

const tmp = () => mkdtempSync(join(tmpdir(), 'romhost-check-'));

/** A scenario file in a fresh folder, components by absolute path. */
function scenarioFile(yaml: string): string {
  const file = join(tmp(), 'scenario.yaml');
  writeFileSync(file, yaml.replaceAll('components/', `${ROOT}/components/`));
  return file;
}

function inputsFile(values: readonly string[]): string {
  const file = join(tmp(), 'inputs.jsonl');
  writeFileSync(file, values.map((text) => `${JSON.stringify({ rom: 'input/input', text })}\n`).join(''));
  return file;
}

const expectRestarted = (runs: readonly CheckRun[]) => {
  for (const run of runs) expect(run.restarts.length, run.label).toBeGreaterThan(0);
};

describe('checkStateMachine', () => {
  it('fails a component that keeps hidden state, at the first report that differs: its count', async () => {
    const journal = await reference(HIDDEN_CHAIN, ['a', 'b', 'c']);
    const result = await checkStateMachine(journal);
    expect(result.holds).toBe(false);
    expect(result.children).toEqual(['counter', 'plus-one']);
    const [counter, plusOne] = result.runs;
    expect(counter).toMatchObject({ label: 'restart counter before each of its updates', child: 'counter' });
    // Step 2 counted "a" from a fresh instance, 1 as recorded; at step 3 a fresh instance counts "b" as 1 again, not 2.
    expect(counter!.divergence).toMatchObject({ step: 3, kind: 'report', report: 'counter/count', child: 'counter' });
    expect(counter!.divergence!.recorded!.map((v) => new TextDecoder().decode(v))).toEqual(['2']);
    expect(counter!.divergence!.replayed).toEqual([]); // the fresh count, 1, is the value it already had: no change
    expect(counter!.restarts.filter((r) => r.step <= 3).length).toBeGreaterThan(0);
    // Restarting only the adder downstream finds nothing: its state is all in its ROM.
    expect(plusOne!.divergence).toBeUndefined();
    expect(plusOne!.restarts.length).toBeGreaterThan(0);

    const text = describeCheckRun(counter!);
    expect(text).toMatch(/^restart counter before each of its updates: diverged at step 3 \(input input\/input = "b"\): report counter\/count differs\n/);
    expect(text).toContain('recorded: "2"');
    expect(text).toMatch(/restart\(s\) up to step 3, the last of counter in step 3$/);
  });

  it('passes a counter that keeps its count in a report routed back to itself, restarting each child', async () => {
    const journal = await reference(COUNTER_CHAIN, ['a', 'b', 'a', 'c']);
    const progress: CheckProgress[] = [];
    const result = await checkStateMachine(journal, { onProgress: (p) => progress.push(p) });
    expect(result.holds).toBe(true);
    expect(result.runs.map((r) => [r.label, r.steps, r.divergence])).toEqual([
      ['restart counter before each of its updates', 5, undefined],
      ['restart plus-one before each of its updates', 5, undefined],
    ]);
    expectRestarted(result.runs);
    // Before each of its updates means every one: the counter updates at least once in every step.
    expect(new Set(result.runs[0]!.restarts.map((r) => r.step))).toEqual(new Set([1, 2, 3, 4, 5]));
    expect(result.runs[0]!.restarts.every((r) => r.child === 'counter')).toBe(true);
    expect(progress.at(-1)).toEqual({ run: 2, runs: 2, label: 'restart plus-one before each of its updates', steps: 5, of: 5 });
    expect(describeCheckRun(result.runs[1]!)).toMatch(/^restart plus-one before each of its updates: identical \(5 steps, \d+ restarts\)$/);
  });

  it('--child restricts the check to one child', async () => {
    const journal = await reference(HIDDEN_CHAIN, ['a', 'b']);
    const result = await checkStateMachine(journal, { child: 'plus-one' });
    expect(result.runs.map((r) => r.child)).toEqual(['plus-one']);
    expect(result.holds).toBe(true); // the hidden counter is never restarted
    expectRestarted(result.runs);
    expect(result.runs[0]!.restarts.every((r) => r.child === 'plus-one')).toBe(true);
  });

  it('a seed adds a run with restarts at random updates, the same points for the same seed', async () => {
    const inputs = 'abcdefghijklmnopqrst'.split('');
    const journal = await reference(COUNTER_CHAIN, inputs);
    const first = await checkStateMachine(journal, { seed: 7 });
    const again = await checkStateMachine(journal, { seed: 7 });
    const other = await checkStateMachine(journal, { seed: 8 });
    expect(first.holds).toBe(true);
    const seeded = first.runs.at(-1)!;
    expect(seeded).toMatchObject({ label: 'restart any child at random updates (1 in 4), seed 7', seed: 7, steps: 21 });
    expect(seeded.child).toBeUndefined();
    expect(again.runs).toEqual(first.runs);
    expect(other.runs.at(-1)!.restarts).not.toEqual(seeded.restarts);
    // Random: some updates of each child, not all of them.
    const everyUpdate = first.runs[0]!.restarts.length + first.runs[1]!.restarts.length;
    expect(seeded.restarts.length).toBeGreaterThan(0);
    expect(seeded.restarts.length).toBeLessThan(everyUpdate);
    expect(new Set(seeded.restarts.map((r) => r.child))).toEqual(new Set(['counter', 'plus-one']));
  });

  it('a hidden-state component fails under a seed too, and --child with a seed restarts only that child at random', async () => {
    const journal = await reference(HIDDEN_CHAIN, 'abcdefghij'.split(''));
    const result = await checkStateMachine(journal, { child: 'counter', seed: 3 });
    expect(result.runs.map((r) => r.label)).toEqual([
      'restart counter before each of its updates',
      'restart counter at random updates (1 in 4), seed 3',
    ]);
    const seeded = result.runs[1]!;
    expect(seeded.divergence).toMatchObject({ kind: 'report', report: 'counter/count' });
    expect(seeded.restarts.length).toBeGreaterThan(0);
    expect(seeded.restarts.every((r) => r.child === 'counter')).toBe(true);
  });

  it('refuses an unknown child, a bad seed, and a journal that runs no child', async () => {
    const journal = await reference(COUNTER_CHAIN, ['a']);
    const refused = async (promise: Promise<unknown>) => {
      const e = await promise.then(() => undefined, (e: unknown) => e);
      expect(isRomhostError(e)).toBe(true);
      return e as Error & { code: string };
    };
    const unknown = await refused(checkStateMachine(journal, { child: 'nobody' }));
    expect(unknown.code).toBe('check-unknown-child');
    expect(unknown.message).toBe(`no child "nobody" runs in ${resolve('inline.yaml')} (children: counter, plus-one): name one of them, or leave --child out to check each`);
    expect((await refused(checkStateMachine(journal, { seed: 1.5 }))).code).toBe('check-seed');
    expect((await refused(checkStateMachine(journal, { seed: 2 ** 32 }))).code).toBe('check-seed');
    const empty = await recordRun(async () => {}, { file: resolve('empty.journal') });
    expect((await refused(checkStateMachine(empty))).code).toBe('check-no-children');
  });

  it('says when a run checked nothing', () => {
    expect(describeCheckRun({ label: 'restart x before each of its updates', child: 'x', steps: 4, restarts: [] })).toBe(
      'restart x before each of its updates: identical, but nothing was checked: no update ran that it restarts (4 steps)',
    );
  });
});

describe('every example passes', () => {
  it('examples/counter', async () => {
    const result = await checkStateMachine(await referenceOf('examples/counter/scenario.yaml', inputsFile(['a', 'b', 'b', 'c'])), { seed: 1 });
    expect(result.holds).toBe(true);
    expect(result.runs).toHaveLength(3);
    expectRestarted(result.runs);
  });

  it('examples/windows with a pointer session: hovers, drags, resizes, a close', async () => {
    const journal = await referenceOf('examples/windows/scenario.yaml', 'examples/windows/session.jsonl');
    // The session does what it says: window 3 closed, window 2 resized and moved, window 1 moved and resized.
    const layouts = journal.steps.flatMap((s) => s.caused.flatMap((c) => ('report' in c && c.report === 'layouter/window_layout' ? [decodeBytes(c)] : [])));
    const last = JSON.parse(new TextDecoder().decode(layouts.at(-1))) as { id: number; x: number; y: number; w: number; h: number }[];
    expect(last.map((w) => w.id)).toEqual([1, 2]);
    expect(last.find((w) => w.id === 2)).toMatchObject({ w: 150, h: 60 });
    expect(last.find((w) => w.id === 1)!.w).toBeGreaterThan(320);
    expect(journal.steps.length).toBeGreaterThan(400);

    const started = Date.now();
    const result = await checkStateMachine(journal, { seed: 11 });
    expect(result.runs.map((r) => [r.label, r.divergence])).toEqual([
      ['restart decorator before each of its updates', undefined],
      ['restart layouter before each of its updates', undefined],
      ['restart any child at random updates (1 in 4), seed 11', undefined],
    ]);
    expectRestarted(result.runs);
    expect(result.runs[1]!.restarts.length).toBeGreaterThan(journal.steps.length); // the layouter updates more than once in many steps
    expect(Date.now() - started).toBeLessThan(25_000); // seconds, not minutes, even on a loaded machine
  });
});

// Each spawn of the CLI loads and compiles its components afresh: seconds apiece on a busy machine.
describe('romhost check', { timeout: 120_000 }, () => {
  it('exits 0 on the counter example with an inputs file, one line per run', async () => {
    const inputs = inputsFile(['a', 'b']);
    const r = await romhost(['check', 'examples/counter/scenario.yaml', '--inputs', inputs]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^restart counter before each of its updates: identical \(3 steps, [1-9]\d* restarts\)$/);
    expect(lines[1]).toMatch(/^restart plus-one before each of its updates: identical \(3 steps, [1-9]\d* restarts\)$/);
    expect(lines[2]).toBe(`examples/counter/scenario.yaml with ${inputs}: the state-machine property holds: 2 runs, every report as in the reference`);
  });

  it('exits 1 on counter-hidden-wat, printing the run that found it and the divergence', async () => {
    const file = scenarioFile(HIDDEN_CHAIN);
    const r = await romhost(['check', file, '--inputs', inputsFile(['a', 'b', 'c']), '--child', 'counter']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^restart counter before each of its updates: diverged at step 3 \(input input\/input = "b"\): report counter\/count differs\n/);
    expect(r.stdout).toContain('  recorded: "2"\n  replayed: no change\n');
    expect(r.stdout).toMatch(/: the state-machine property fails: 1 of 1 run diverged\n$/);
  });

  it('--json prints one object; --seed names the seed in the run that found it', async () => {
    const file = scenarioFile(HIDDEN_CHAIN);
    const inputs = inputsFile('abcdefgh'.split(''));
    const r = await romhost(['check', file, '--inputs', inputs, '--child', 'plus-one', '--seed', '5', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0); // only plus-one is restarted, and it keeps no hidden state
    const out = JSON.parse(r.stdout) as { runs: { restarts: number }[] };
    expect(out).toMatchObject({
      scenario: file,
      inputs,
      steps: 9,
      children: ['counter', 'plus-one'],
      holds: true,
      runs: [
        { label: 'restart plus-one before each of its updates', child: 'plus-one', steps: 9, identical: true },
        { label: 'restart plus-one at random updates (1 in 4), seed 5', child: 'plus-one', seed: 5, steps: 9, identical: true },
      ],
    });
    for (const run of out.runs) expect(run.restarts).toBeGreaterThan(0);

    const failing = await romhost(['check', file, '--inputs', inputs, '--seed', '5', '--json']);
    expect(failing.code).toBe(1);
    const result = JSON.parse(failing.stdout) as { holds: boolean; runs: { label: string; identical: boolean; divergence?: Record<string, unknown> }[] };
    expect(result.holds).toBe(false);
    const seeded = result.runs.find((run) => run.label.endsWith('seed 5'))!;
    expect(seeded.identical).toBe(false);
    expect(seeded.divergence).toMatchObject({ kind: 'report', report: 'counter/count', child: 'counter', recorded: [expect.any(String)] });
    expect(seeded.divergence!['description']).toMatch(/report counter\/count differs/);
    // The same seed from the command line: the same result, byte for byte.
    expect((await romhost(['check', file, '--inputs', inputs, '--seed', '5', '--json'])).stdout).toBe(failing.stdout);
  });

  it('--journal checks a run recorded with romhost run --record; SCENARIO then replaces the recorded one', async () => {
    const dir = tmp();
    const journal = join(dir, 'run.journal');
    const recorded = await romhost(['run', 'examples/counter/scenario.yaml', '--input', 'input=a', '--input', 'input=b', '--once', '--record', journal]);
    expect(recorded.code).toBe(0);
    const r = await romhost(['check', '--journal', journal, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { journal: string; holds: boolean; runs: { restarts: number }[] };
    expect(out).toMatchObject({ journal, steps: 3, children: ['counter', 'plus-one'], holds: true });
    for (const run of out.runs) expect(run.restarts).toBeGreaterThan(0);

    // The hidden counter in place of the recorded one: it never reports `state`, so the first step already differs.
    const hidden = await romhost(['check', scenarioFile(HIDDEN_CHAIN), '--journal', journal, '--child', 'counter']);
    expect(hidden.code).toBe(1);
    expect(hidden.stdout).toMatch(/^restart counter before each of its updates: diverged at step 1 \(apply [^)]*scenario\.yaml\): report counter\/(count|state) differs\n/);
  });

  it('--journal of a hidden-state component exits 1', async () => {
    const hiddenJournal = join(tmp(), 'hidden.journal');
    await romhost(['run', scenarioFile(HIDDEN_CHAIN), '--input', 'input=a', '--input', 'input=b', '--once', '--record', hiddenJournal]);
    const fails = await romhost(['check', '--journal', hiddenJournal]);
    expect(fails.code).toBe(1);
    expect(fails.stdout).toMatch(/^restart counter before each of its updates: diverged at step 3 \(input input\/input = "b"\): report counter\/count differs$/m);
    expect(fails.stdout).toMatch(/^restart plus-one before each of its updates: identical/m);
  });

  it('errors are one line on stderr, exit 2', async () => {
    const inputs = inputsFile(['a']);
    const cases: [string[], string][] = [
      [['check', 'examples/counter/scenario.yaml'], 'romhost: check needs a reference run: SCENARIO --inputs FILE.jsonl, or --journal FILE (recorded with romhost run --record)\n'],
      [
        ['check', 'examples/counter/scenario.yaml', '--inputs', inputs, '--journal', 'x.journal'],
        'romhost: --inputs and --journal do not go together: check a run of SCENARIO with --inputs, or a recorded --journal\n',
      ],
      [['check', '--inputs', inputs], `romhost: --inputs needs SCENARIO: romhost check SCENARIO --inputs ${inputs}\n`],
      [['check', 'examples/counter/scenario.yaml', '--inputs', '/nowhere/in.jsonl'], 'romhost: --inputs /nowhere/in.jsonl cannot be read: no such file\n'],
      [['check', '--journal', '/nowhere/run.journal'], 'romhost: journal /nowhere/run.journal cannot be read: no such file\n'],
      [
        ['check', 'examples/counter/scenario.yaml', '--inputs', inputs, '--child', 'nobody'],
        'romhost: no child "nobody" runs in examples/counter/scenario.yaml (children: counter, plus-one): name one of them, or leave --child out to check each\n',
      ],
      [['check', 'examples/counter/scenario.yaml', '--inputs', inputs, '--seed', '0x10'], 'romhost: --seed 0x10: expected a whole number from 0 to 4294967295, e.g. --seed 7\n'],
      [['check', 'examples/counter/scenario.yaml', '--inputs', inputs, '--seed', '4294967296'], 'romhost: --seed 4294967296: expected a whole number from 0 to 4294967295, e.g. --seed 7\n'],
    ];
    for (const [args, stderr] of cases) {
      const r = await romhost(args);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr, args.join(' ')).toBe(stderr);
      expect(r.code, args.join(' ')).toBe(2);
    }
  });

  it('--help explains it with examples', async () => {
    const r = await romhost(['check', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: romhost check/);
    expect(r.stdout).toMatch(/Examples:\n  romhost check examples\/counter/);
    expect(r.stdout).toMatch(/without it, no random run/);
  });
});
