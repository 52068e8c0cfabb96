import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inputLine } from '../host/cli/bisect-command.js';
import { parseCommandLine } from '../host/cli/command-line.js';
import {
  bisect,
  describeDivergence,
  isRomhostError,
  loadScenario,
  recordRun,
  type BisectInput,
  type BisectProgress,
  type BisectResult,
} from '../host/index.js';
import { jsonLines, romhost } from './support/cli.js';
import { scenario, text } from './support/scenarios.js';

const COUNTER = 'examples/counter/scenario.yaml';
const WINDOWS = 'examples/windows/scenario.yaml';
const WAT = 'components/counter-wat/counter-wat.wasm';
const C = 'components/counter-c/counter-c.wasm';
const HIDDEN = 'components/counter-hidden-wat/counter-hidden-wat.wasm';
/** counter-wat with a count cached in a global: it agrees with counter-wat until the counter restarts. */
const CACHED = 'test/fixtures/counter-cached/counter-cached.wasm';
const CLASSIC = 'components/decorator-classic/decorator-classic.wasm';
const THEMED = 'components/decorator-themed/decorator-themed.wasm';
const AB = { recorded: 'A', replayed: 'B' };
/** CLI runs start a process each: slow on a busy machine. */
const CLI_TIMEOUT = 120_000;

const publish = (value: string, name = 'input'): BisectInput => ({ kind: 'publish', name, content: new TextEncoder().encode(value) });
const values = (list: readonly Uint8Array[] | undefined) => (list ?? []).map((v) => text(v));

/**
 * Inputs before the divergence of which one matters: the counter must have counted something
 * for a restart to lose it. The rest change nothing the cache affects: a second count, a value
 * equal to the current one (wakes nobody), an input no child reads, the adder's restarts.
 */
const RESTART_LATE: readonly BisectInput[] = [
  publish('a'),
  publish('b'),
  { kind: 'restart', child: 'plus-one' },
  publish('b'),
  publish('x', 'other'),
  { kind: 'kill', child: 'plus-one' },
  { kind: 'restart', child: 'plus-one' },
  { kind: 'restart', child: 'counter' }, // index 7: counter-cached forgets its count of 2
  publish('c'),
];

const tmp = () => mkdtempSync(join(tmpdir(), 'romhost-bisect-'));

/** The inputs as an --inputs file. */
function inputsFile(dir: string, inputs: readonly BisectInput[], name = 'inputs.jsonl'): string {
  const file = join(dir, name);
  writeFileSync(file, inputs.map((i) => `${inputLine(i, dir)}\n`).join(''));
  return file;
}

/** The counter scenario with the counter on `component`: how a person runs one implementation. */
function counterOn(dir: string, component: string, name: string): string {
  const file = join(dir, name);
  const yaml = readFileSync(COUNTER, 'utf8')
    .replace('../../components/counter-wat/counter-wat.wasm', resolve(component))
    .replaceAll('../../', `${process.cwd()}/`);
  writeFileSync(file, yaml);
  return file;
}

describe('bisect', () => {
  it('finds the first divergent input and shrinks the inputs before it to those that matter', async () => {
    const result = await bisect({ scenario: COUNTER, child: 'counter', a: WAT, b: CACHED, inputs: RESTART_LATE });
    expect(result.agreed).toBe(7);
    const d = result.divergence!;
    expect(d).toMatchObject({ index: 7, step: 9, kind: 'report', child: 'counter', report: 'counter/count' });
    expect(d.event).toEqual({ step: 9, restart: 'counter' });
    // counter-wat's restart reads its count back and says nothing new; counter-cached starts again at 0.
    expect(values(d.recorded)).toEqual([]);
    expect(values(d.replayed)).toEqual(['0']);
    expect(describeDivergence(d, AB)).toBe(
      'step 9 (restart counter): report counter/count differs\n  A 0 change(s) in this step, B 1\n  A: no change\n  B: "0"',
    );

    const r = d.reproduction;
    expect(r.indices).toEqual([0, 7]);
    expect(r.inputs).toEqual([RESTART_LATE[0], RESTART_LATE[7]]);
    expect(r.inputs.length - 1).toBeLessThan(d.index);
    expect(r.minimal).toBe(true);
    expect(r.divergence).toMatchObject({ step: 3, kind: 'report', report: 'counter/count' });
    expect(values(r.divergence.replayed)).toEqual(['0']);

    // It reproduces on its own, and without its first input it does not: nothing more can go.
    const again = await bisect({ scenario: COUNTER, child: 'counter', a: WAT, b: CACHED, inputs: r.inputs });
    expect(again.divergence).toMatchObject({ index: 1, report: 'counter/count' });
    const without = await bisect({ scenario: COUNTER, child: 'counter', a: WAT, b: CACHED, inputs: r.inputs.slice(1) });
    expect(without.divergence).toBeUndefined();
  });

  it('finds a divergence already when the scenario is applied: no input is needed', async () => {
    // counter-hidden-wat keeps its count in memory and never submits the state counter-wat does.
    const result = await bisect({ scenario: COUNTER, child: 'counter', a: WAT, b: HIDDEN, inputs: RESTART_LATE });
    expect(result.agreed).toBe(0);
    const d = result.divergence!;
    expect(d).toMatchObject({ index: -1, step: 1, kind: 'report', report: 'counter/state' });
    expect(values(d.recorded)).toEqual(['0']);
    expect(values(d.replayed)).toEqual([]);
    expect(d.reproduction).toMatchObject({ inputs: [], indices: [], runs: 0, minimal: true });
  });

  it('two implementations of the counter role agree on every input, restarts and kills included', async () => {
    const inputs = [...RESTART_LATE, { kind: 'kill', child: 'counter' } as const, publish('d'), { kind: 'restart', child: 'counter' } as const, publish('')];
    const result = await bisect({ scenario: COUNTER, child: 'counter', a: WAT, b: C, inputs });
    expect(result).toEqual({ scenario: COUNTER, inputs, agreed: inputs.length });
  });

  it('two implementations of the kv role agree on the examples of components/ROLES.md', async () => {
    const kv = scenario(`
components:
  kv: components/kv-c/kv-c.wasm
children:
  kv:
    component: kv
    roms: { command: input/command, state: kv/state }
    reports: [state, view, size]
`);
    const commands = ['set b 2', 'set a x y', 'set a ', 'set q "hi"\\\nok', 'del b', 'del zz', 'SET a 1', 'clear', 'set z 1'];
    const inputs = commands.flatMap((c, i) => [publish(c, 'command'), ...(i % 3 === 2 ? [{ kind: 'restart', child: 'kv' } as const] : [])]);
    const result = await bisect({ scenario: kv, child: 'kv', a: 'components/kv-c/kv-c.wasm', b: 'components/kv-rust/kv-rust.wasm', inputs });
    expect(result.divergence).toBeUndefined();
    expect(result.agreed).toBe(inputs.length);
  });

  it('takes the inputs, and by default the scenario, from a journal', async () => {
    const file = join(tmp(), 'run.journal');
    const journal = await recordRun(async (host) => {
      await host.apply(await loadScenario(COUNTER));
      for (const input of RESTART_LATE) {
        if (input.kind === 'publish') await host.publish(input.name, input.content);
        else if (input.kind === 'restart') await host.restart(input.child);
        else if (input.kind === 'kill') await host.kill(input.child);
      }
    }, { file });
    const result = await bisect({ journal, child: 'counter', a: WAT, b: CACHED });
    expect(result.scenario).toBe(resolve(COUNTER));
    expect(result.inputs.map((i) => i.at)).toEqual(RESTART_LATE.map((_, i) => `${file} step ${i + 2}`));
    expect(result.divergence).toMatchObject({ index: 7, report: 'counter/count', reproduction: { indices: [0, 7] } });
  });

  it('refuses a journal that applies a second scenario: its inputs are not one scenario\'s', async () => {
    const file = join(tmp(), 'twice.journal');
    const journal = await recordRun(async (host) => {
      await host.apply(await loadScenario(COUNTER));
      await host.publish('input', 'a');
      await host.apply(await loadScenario(COUNTER));
    }, { file });
    const error = await bisect({ journal, child: 'counter', a: WAT, b: CACHED }).catch((e: unknown) => e);
    expect(isRomhostError(error) && error.code).toBe('bisect-journal-unusable');
    expect((error as Error).message).toMatch(new RegExp(`^journal ${file}, step 3: it applies a scenario again`));
  });

  it('says which child is unknown, and refuses an input that fails on both sides', async () => {
    const unknown = await bisect({ scenario: COUNTER, child: 'nobody', a: WAT, b: C, inputs: [] }).catch((e: unknown) => e);
    expect(isRomhostError(unknown) && unknown.code).toBe('bisect-unknown-child');
    expect((unknown as Error).message).toBe(
      'no child "nobody" runs in examples/counter/scenario.yaml (children: counter, plus-one): name the child whose two implementations to compare',
    );
    const inputs: BisectInput[] = [publish('a'), { kind: 'kill', child: 'ghost', at: 'steps.jsonl:2' }];
    const fails = await bisect({ scenario: COUNTER, child: 'counter', a: WAT, b: C, inputs }).catch((e: unknown) => e);
    expect(isRomhostError(fails) && fails.code).toBe('bisect-input-fails');
    expect((fails as Error).message).toMatch(/^input 2 \(steps\.jsonl:2\) fails on A and on B alike: no child is called "ghost"/);
  });

  it('stops minimizing at maxRuns with a reproduction that still diverges', async () => {
    const result = await bisect({ scenario: COUNTER, child: 'counter', a: WAT, b: CACHED, inputs: RESTART_LATE, maxRuns: 1 });
    const r = result.divergence!.reproduction;
    expect(r).toMatchObject({ runs: 1, minimal: false });
    // One run (the empty prefix, which agrees) leaves all of the prefix.
    expect(r.indices).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const again = await bisect({ scenario: COUNTER, child: 'counter', a: WAT, b: CACHED, inputs: r.inputs });
    expect(again.divergence?.index).toBe(7);
  });

  it('tells how far it is', async () => {
    const progress: BisectProgress[] = [];
    const result: BisectResult = await bisect({ scenario: COUNTER, child: 'counter', a: WAT, b: CACHED, inputs: RESTART_LATE, onProgress: (p) => progress.push(p) });
    const compare = progress.filter((p) => p.phase === 'compare');
    expect(compare.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const minimize = progress.filter((p) => p.phase === 'minimize');
    expect(minimize).toHaveLength(result.divergence!.reproduction.runs);
    expect(minimize.at(-1)).toMatchObject({ size: 2, of: 8 });
  });
});

describe('the reproduction as romhost run --inputs lines', () => {
  it('reads back as the same inputs, text or base64, a component path relative to the file', () => {
    const dir = tmp();
    const inputs: BisectInput[] = [
      publish('héllo\n'),
      { kind: 'publish', name: 'bytes', content: new Uint8Array([0xff, 0x00]) },
      { kind: 'kill', child: 'counter' },
      { kind: 'restart', child: 'counter' },
      { kind: 'swap', child: 'counter', component: resolve(C) },
    ];
    const lines = inputs.map((i) => inputLine(i, dir));
    expect(lines[1]).toBe('{"rom":"input/bytes","base64":"/wA="}');
    expect(JSON.parse(lines[4]!)).toEqual({ swap: 'counter', component: relative(dir, resolve(C)) });
    expect(lines.map((l) => parseCommandLine(l, dir))).toEqual(inputs);
  });
});

describe('romhost bisect', () => {
  it(
    'prints the divergence and the reproduction, writes it with --out, and exits 1; romhost run reproduces it',
    async () => {
      const dir = tmp();
      const inputs = inputsFile(dir, RESTART_LATE);
      const out = join(dir, 'repro.jsonl');
      const r = await romhost(['bisect', COUNTER, '--child', 'counter', '--a', WAT, '--b', CACHED, '--inputs', inputs, '--out', out]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      expect(r.stdout).toBe(
        [
          `counter: A (${WAT}) and B (${CACHED}) diverge at input 8 of 9 (${inputs}:8)`,
          'step 9 (restart counter): report counter/count differs',
          '  A 0 change(s) in this step, B 1',
          '  A: no change',
          '  B: "0"',
          'reproduction: 1 of the 7 inputs before it, then it (minimal, 3 paired runs):',
          '{"rom":"input/input","text":"a"}',
          '{"restart":"counter"}',
          `written to ${out}; run it with counter on A, then on B: romhost run ${COUNTER} --inputs ${out} --once`,
          '',
        ].join('\n'),
      );
      expect(readFileSync(out, 'utf8')).toBe('{"rom":"input/input","text":"a"}\n{"restart":"counter"}\n');

      // The reproduction, run with each implementation: the final reports differ.
      const [onA, onB] = await Promise.all([
        romhost(['run', counterOn(dir, WAT, 'a.yaml'), '--inputs', out, '--once']),
        romhost(['run', counterOn(dir, CACHED, 'b.yaml'), '--inputs', out, '--once']),
      ]);
      expect(JSON.parse(onA.stdout)).toEqual({ reports: { 'counter/count': '1', 'counter/state': '1\na', 'plus-one/out': '2' }, faults: [] });
      expect(JSON.parse(onB.stdout)).toEqual({ reports: { 'counter/count': '0', 'counter/state': '0\na', 'plus-one/out': '1' }, faults: [] });
    },
    CLI_TIMEOUT,
  );

  it(
    '--json: the divergence, A and B as values, and the reproduction as lines',
    async () => {
      const dir = tmp();
      const inputs = inputsFile(dir, RESTART_LATE);
      const r = await romhost(['bisect', COUNTER, '--child', 'counter', '--a', WAT, '--b', CACHED, '--input', 'input=z', '--inputs', inputs, '--json']);
      expect(r.code).toBe(1);
      const [result] = jsonLines(r.stdout);
      expect(result).toEqual({
        scenario: COUNTER,
        child: 'counter',
        a: WAT,
        b: CACHED,
        inputs: 10,
        agree: false,
        agreed: 8,
        divergence: {
          input: 9,
          at: `${inputs}:8`,
          step: 10,
          kind: 'report',
          child: 'counter',
          report: 'counter/count',
          a: [],
          b: ['0'],
          description: expect.stringMatching(/^step 10 \(restart counter\): report counter\/count differs\n/),
        },
        reproduction: {
          inputs: [{ rom: 'input/input', text: 'z' }, { restart: 'counter' }],
          of: 9,
          minimal: true,
          runs: expect.any(Number),
          divergence: expect.objectContaining({ step: 3, report: 'counter/count', a: [], b: ['0'] }),
        },
      });
    },
    CLI_TIMEOUT,
  );

  it(
    'exits 0 when they agree; drops shadow lines and turns a promote into its swap, as a journal does',
    async () => {
      const dir = tmp();
      const agree = await romhost(['bisect', COUNTER, '--child', 'counter', '--a', WAT, '--b', C, '--inputs', inputsFile(dir, RESTART_LATE)]);
      expect(agree.stderr).toBe('');
      expect(agree.code).toBe(0);
      expect(agree.stdout).toBe(`counter: A (${WAT}) and B (${C}) agree on the scenario's start and on every one of 9 inputs\n`);

      // Promoted to counter-wat, B no longer runs counter-cached when the counter restarts.
      const shadows = join(dir, 'shadows.jsonl');
      writeFileSync(
        shadows,
        [
          '{"rom": "input/input", "text": "a"}',
          `{"shadow": "counter", "component": "${resolve(C)}"}`,
          '{"unshadow": "counter"}',
          `{"shadow": "counter", "component": "${resolve(WAT)}"}`,
          '{"promote": "counter"}',
          '{"restart": "counter"}',
          '',
        ].join('\n'),
      );
      const promoted = await romhost(['bisect', COUNTER, '--child', 'counter', '--a', WAT, '--b', CACHED, '--inputs', shadows, '--json']);
      expect(promoted.stderr).toBe('');
      expect(promoted.code).toBe(0);
      expect(jsonLines(promoted.stdout)[0]).toMatchObject({ inputs: 3, agree: true, agreed: 3 });
    },
    CLI_TIMEOUT,
  );

  it(
    'the two decorators of the window manager diverge as soon as they start: their margins',
    async () => {
      const r = await romhost(['bisect', WINDOWS, '--child', 'decorator', '--a', CLASSIC, '--b', THEMED, '--inputs', 'examples/windows/windows.jsonl', '--json']);
      expect(r.code).toBe(1);
      const [result] = jsonLines(r.stdout) as [{ divergence: Record<string, unknown>; reproduction: Record<string, unknown> }];
      expect(result.divergence).toMatchObject({ input: null, step: 1, kind: 'report', report: 'decorator/margins' });
      expect(JSON.parse((result.divergence['a'] as string[])[0]!)).toMatchObject({ top: 24 });
      expect(JSON.parse((result.divergence['b'] as string[])[0]!)).toMatchObject({ top: 32 });
      expect(result.reproduction).toMatchObject({ inputs: [], of: 0 });
    },
    CLI_TIMEOUT,
  );

  it(
    'one line on stderr and exit 2 for a missing file or an unknown child; exit 2 for a bad option too',
    async () => {
      const [missing, child, inputs, option] = await Promise.all([
        romhost(['bisect', COUNTER, '--child', 'counter', '--a', 'nowhere.wasm', '--b', C, '--input', 'input=a']),
        romhost(['bisect', COUNTER, '--child', 'nobody', '--a', WAT, '--b', C]),
        romhost(['bisect', COUNTER, '--child', 'counter', '--a', WAT, '--b', C, '--inputs', 'nowhere.jsonl']),
        romhost(['bisect', COUNTER, '--child', 'counter', '--a', WAT]),
      ]);
      expect(missing).toEqual({ code: 2, stdout: '', stderr: 'romhost: component nowhere.wasm cannot be read: no such file\n' });
      expect(child).toEqual({
        code: 2,
        stdout: '',
        stderr: 'romhost: no child "nobody" runs in examples/counter/scenario.yaml (children: counter, plus-one): name the child whose two implementations to compare\n',
      });
      expect(inputs).toEqual({ code: 2, stdout: '', stderr: 'romhost: --inputs nowhere.jsonl cannot be read: no such file\n' });
      // Exit 1 means "they diverge": a usage error must not say so.
      expect(option.code).toBe(2);
      expect(option.stderr).toMatch(/^error: required option '--b <B\.wasm>' not specified\n/);
    },
    CLI_TIMEOUT,
  );
});
