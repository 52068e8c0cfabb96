import { writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { InvalidArgumentError, type Command as Program } from 'commander';
import { bisect, describeDivergence, readJournal, type BisectInput, type BisectProgress, type BisectResult, type Sides } from '../index.js';
import { displayPath } from '../display-path.js';
import { jsonFields } from '../json-value.js';
import { parseInputFlag, type Command } from './command-line.js';
import { divergenceJson } from './divergence-json.js';
import { readInputsFile } from './run-command.js';

interface BisectCommandOptions {
  readonly child: string;
  readonly a: string;
  readonly b: string;
  readonly input: string[];
  readonly inputs?: string;
  readonly journal?: string;
  readonly out?: string;
  readonly maxRuns: number;
  readonly json?: boolean;
}

const SIDES: Sides = { recorded: 'A', replayed: 'B' };
/** Reproduction lines printed at most; `--out` writes them all. */
const SHOWN_LINES = 40;

export function registerBisect(program: Program): void {
  program
    .command('bisect')
    .argument('[scenario]', 'the scenario file (YAML): required with --input and --inputs; with --journal, applied instead of the recorded one')
    .requiredOption('--child <CHILD>', 'the child whose two implementations to compare')
    .requiredOption('--a <A.wasm>', 'one implementation of CHILD')
    .requiredOption('--b <B.wasm>', 'the other')
    .option('--input <NAME=TEXT>', 'publish TEXT as input/NAME (repeatable, in order)', (v: string, all: string[]) => [...all, v], [])
    .option('--inputs <FILE.jsonl>', 'the inputs and lifecycle commands, one JSON line each (what romhost run --inputs reads), after the --input flags')
    .option('--journal <FILE>', 'take the inputs from a journal written by romhost run --record')
    .option('--out <FILE.jsonl>', 'write the minimal reproduction there, as romhost run --inputs lines')
    .option('--max-runs <N>', 'stop minimizing after N paired runs: the reproduction is then shorter, perhaps not minimal', parseRuns, 1000)
    .option('--json', 'print the result as one JSON object')
    .description('find the first input at which two implementations of a child diverge, and the fewest inputs that still make them diverge there')
    .addHelpText(
      'after',
      `
Runs the scenario on two fresh hosts in lockstep, CHILD on A in one and on B in the other, and
compares what each input causes: every report change and fault, as romhost replay does. At the
first divergence it shrinks the inputs before it by delta debugging: it keeps the divergent input
last and leaves out every other input it can while A and B still diverge there, on the same report.
Each try is two short runs; progress goes to stderr on a terminal.

Prints the first divergent input (its place, the step, the child and report, A vs B) and the
reproduction as JSON lines, which romhost run --inputs reads: run the scenario with CHILD on A,
then on B, and the report differs. A component path in --out is relative to that file.

Shadow lines are left out, as a journal leaves them out: a shadow changes nothing any child sees;
a promote becomes the swap it makes.

Exit 0 when A and B agree on the scenario's start and on every input; exit 1 when they diverge;
exit 2 on an error (a missing file, an unknown child, an input that fails on both).

Examples:
  romhost bisect examples/counter/scenario.yaml --child counter --a components/counter-wat/counter-wat.wasm --b components/counter-c/counter-c.wasm --inputs steps.jsonl
  romhost bisect examples/counter/scenario.yaml --child counter --a components/counter-wat/counter-wat.wasm --b test/fixtures/counter-cached/counter-cached.wasm --input input=a --input input=b --inputs restart.jsonl --out repro.jsonl
  romhost bisect --journal run.journal --child decorator --a components/decorator-classic/decorator-classic.wasm --b components/decorator-themed/decorator-themed.wasm --json`,
    )
    .action(async (scenario: string | undefined, options: BisectCommandOptions) => {
      const fromFlags = options.input.length > 0 || options.inputs !== undefined;
      if (options.journal !== undefined && fromFlags) {
        throw new Error('--journal and --input/--inputs do not go together: take the inputs from a journal, or give them');
      }
      if (options.journal === undefined && scenario === undefined) {
        throw new Error('bisect needs a scenario: romhost bisect SCENARIO --child CHILD --a A.wasm --b B.wasm --inputs FILE.jsonl (or --journal FILE)');
      }
      const tty = process.stderr.isTTY && !options.json;
      const common = { child: options.child, a: options.a, b: options.b, maxRuns: options.maxRuns, ...(tty ? { onProgress: showProgress } : {}) };
      const result =
        options.journal !== undefined
          ? await bisect({ ...common, journal: await readJournal(options.journal), ...(scenario === undefined ? {} : { scenario }) })
          : await bisect({ ...common, scenario: scenario!, inputs: await commandLineInputs(options) });
      if (tty) process.stderr.write('\r\x1b[K');

      const d = result.divergence;
      const lines = (base: string) => (d?.reproduction.inputs ?? []).map((input) => inputLine(input, base));
      if (d && options.out !== undefined) {
        const out = options.out;
        await writeFile(out, lines(dirname(resolve(out))).map((l) => `${l}\n`).join('')).catch((e: NodeJS.ErrnoException) => {
          throw new Error(`--out ${out} cannot be written: ${e.code === 'ENOENT' ? 'no such folder' : e.message}`);
        });
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify(asJson(result, options))}\n`);
      } else {
        process.stdout.write(describe(result, options, lines(process.cwd())));
      }
      process.exitCode = d ? 1 : 0;
    });
}

/** The --input flags, then the --inputs file, as inputs to bisect. */
async function commandLineInputs(options: BisectCommandOptions): Promise<BisectInput[]> {
  const flags = options.input.map((flag) => ({ command: parseInputFlag(flag), at: `--input ${flag}` }));
  return asRecorded([...flags, ...(options.inputs === undefined ? [] : await readInputsFile(options.inputs))]);
}

/**
 * The commands as a journal of their run records them. A shadow changes nothing any child sees
 * and is no event of the run: shadow and unshadow lines go, and so do snapshot lines, which only
 * read the host. A promote is the swap to the candidate it promotes.
 */
function asRecorded(commands: readonly { command: Command; at: string }[]): BisectInput[] {
  const shadows = new Map<string, string>();
  return commands.flatMap(({ command, at }): BisectInput[] => {
    switch (command.kind) {
      case 'shadow':
        shadows.set(command.child, command.component);
        return [];
      case 'unshadow':
        shadows.delete(command.child);
        return [];
      case 'snapshot':
        return [];
      case 'promote': {
        const component = shadows.get(command.child);
        if (component === undefined) throw new Error(`${at}: child "${command.child}" has no shadow to promote: a {"shadow": ...} line must come first`);
        shadows.delete(command.child);
        return [{ kind: 'swap', child: command.child, component, at }];
      }
      case 'swap':
        return [{ kind: 'swap', child: command.child, component: command.component, at }];
      default:
        return [{ ...command, at }];
    }
  });
}

/** The line `romhost run --inputs` reads back as this input; a component path relative to `base`, the folder of the file it goes in. */
export function inputLine(input: BisectInput, base: string): string {
  switch (input.kind) {
    case 'publish':
      return JSON.stringify({ rom: `input/${input.name}`, ...jsonFields(input.content) });
    case 'kill':
      return JSON.stringify({ kill: input.child });
    case 'restart':
      return JSON.stringify({ restart: input.child });
    case 'hibernate':
      return JSON.stringify({ hibernate: input.child });
    case 'swap':
      return JSON.stringify({ swap: input.child, component: relative(base, input.component).split(sep).join('/') });
  }
}

/** For a person: the verdict, the divergence as a diff, the reproduction's lines and how to run them. */
function describe(result: BisectResult, options: BisectCommandOptions, lines: readonly string[]): string {
  const sides = `${options.child}: A (${options.a}) and B (${options.b})`;
  const n = result.inputs.length;
  const d = result.divergence;
  if (!d) return `${sides} agree on the scenario's start and on every one of ${n} input${n === 1 ? '' : 's'}\n`;
  const where = d.index < 0 ? 'when the scenario is applied, before any input' : `at input ${d.index + 1} of ${n} (${at(result, d.index)})`;
  const r = d.reproduction;
  const out = [`${sides} diverge ${where}`, describeDivergence(d, SIDES)];
  if (d.index >= 0) {
    const kept = r.inputs.length - 1;
    const how = `${r.minimal ? 'minimal' : `not minimal: --max-runs ${options.maxRuns} ran out`}, ${r.runs} paired run${r.runs === 1 ? '' : 's'}`;
    out.push(`reproduction: ${kept} of the ${d.index} input${d.index === 1 ? '' : 's'} before it, then it (${how}):`);
    out.push(...lines.slice(0, SHOWN_LINES));
    if (lines.length > SHOWN_LINES) out.push(`… ${lines.length - SHOWN_LINES} more line(s)${options.out === undefined ? ': --out FILE writes them all' : ''}`);
  }
  const inputs = d.index < 0 ? '' : ` --inputs ${options.out ?? 'REPRO.jsonl'}`;
  const saved = options.out === undefined ? '' : `written to ${options.out}; `;
  out.push(`${saved}run it with ${options.child} on A, then on B: romhost run ${displayPath(result.scenario)}${inputs} --once`);
  return `${out.join('\n')}\n`;
}

function asJson(result: BisectResult, options: BisectCommandOptions): Record<string, unknown> {
  const d = result.divergence;
  const head = { scenario: displayPath(result.scenario), child: options.child, a: options.a, b: options.b, inputs: result.inputs.length, agree: !d, agreed: result.agreed };
  if (!d) return head;
  const r = d.reproduction;
  return {
    ...head,
    divergence: { input: d.index < 0 ? null : d.index + 1, ...(d.index < 0 ? {} : { at: at(result, d.index) }), ...divergenceJson(d, SIDES) },
    reproduction: {
      inputs: r.inputs.map((input) => JSON.parse(inputLine(input, options.out === undefined ? process.cwd() : dirname(resolve(options.out)))) as unknown),
      // The inputs up to the divergent one, which the reproduction is drawn from.
      of: d.index + 1,
      minimal: r.minimal,
      runs: r.runs,
      divergence: divergenceJson(r.divergence, SIDES),
      ...(options.out === undefined ? {} : { file: options.out }),
    },
  };
}

const at = (result: BisectResult, index: number): string => result.inputs[index]?.at ?? `input ${index + 1}`;

/** One line, rewritten: where the bisection is, for a person waiting on a long run. */
function showProgress(p: BisectProgress): void {
  if (p.phase === 'compare') {
    if (p.done % 100 === 0 || p.done === p.of) process.stderr.write(`\r\x1b[Kromhost: bisect: ${p.done} of ${p.of} inputs agree`);
  } else {
    process.stderr.write(`\r\x1b[Kromhost: bisect: minimizing: ${p.size} of ${p.of} inputs left after ${p.runs} paired run${p.runs === 1 ? '' : 's'}`);
  }
}

function parseRuns(text: string): number {
  if (!/^[1-9]\d*$/.test(text)) throw new InvalidArgumentError(`--max-runs ${text}: expected a whole number of paired runs, at least 1, e.g. --max-runs 200`);
  return Number(text);
}
