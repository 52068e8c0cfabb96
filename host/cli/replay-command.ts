import type { Command as Program } from 'commander';
import { describeDivergence, readJournal, replayJournal } from '../index.js';
import { divergenceJson } from './divergence-json.js';

interface ReplayCommandOptions {
  readonly scenario?: string;
  readonly swap: string[];
  readonly json?: boolean;
}

export function registerReplay(program: Program): void {
  program
    .command('replay')
    .argument('<journal>', 'a journal written by romhost run --record')
    .option('--scenario <FILE>', 'apply this scenario instead of the recorded one')
    .option('--swap <CHILD=COMPONENT.wasm>', 'run CHILD on another component: replay the recording against another implementation (repeatable)', (v: string, all: string[]) => [...all, v], [])
    .option('--json', 'print the result as one JSON object')
    .description('replay a journal on a fresh host and compare every report change with the recording')
    .addHelpText(
      'after',
      `
Exit 0 when every report change and fault is as recorded; exit 1 at the first divergence, printed
with its step, the input that caused it, the child and report, and recorded vs replayed (the paths
that differ for JSON, a diff for text).

Examples:
  romhost run examples/counter/scenario.yaml --input input=a --input input=b --once --record run.journal
  romhost replay run.journal
  romhost replay run.journal --swap counter=components/counter-hidden-wat/counter-hidden-wat.wasm --json`,
    )
    .action(async (file: string, options: ReplayCommandOptions) => {
      const swaps = Object.fromEntries(options.swap.map(parseSwap));
      const journal = await readJournal(file);
      const tty = process.stderr.isTTY && !options.json;
      const result = await replayJournal(journal, {
        ...(options.scenario ? { scenario: options.scenario } : {}),
        swaps,
        // Progress for a person on a long replay: one line, rewritten.
        ...(tty ? { onStep: (done: number, total: number) => done % 500 === 0 && process.stderr.write(`\rromhost: replayed ${done} of ${total} steps`) } : {}),
      });
      if (tty && journal.steps.length >= 500) process.stderr.write('\n');
      const d = result.divergence;
      if (options.json) {
        const divergence = d && divergenceJson(d);
        process.stdout.write(`${JSON.stringify({ journal: file, steps: result.steps, of: journal.steps.length, identical: !d, ...(divergence ? { divergence } : {}) })}\n`);
      } else if (d) {
        process.stdout.write(`${file}: diverged at ${describeDivergence(d)}\n`);
      } else {
        process.stdout.write(`${file}: identical: ${result.steps} steps replayed\n`);
      }
      process.exitCode = d ? 1 : 0;
    });
}

function parseSwap(flag: string): [string, string] {
  const at = flag.indexOf('=');
  if (at <= 0 || at === flag.length - 1) throw new Error(`--swap ${flag}: expected CHILD=COMPONENT.wasm, e.g. --swap counter=components/counter-c/counter-c.wasm`);
  return [flag.slice(0, at), flag.slice(at + 1)];
}
