import type { Command as Program } from 'commander';
import { checkStateMachine, describeCheckRun, loadScenario, readJournal, recordRun, type CheckProgress, type Journal } from '../index.js';
import { divergenceJson } from './divergence-json.js';
import { executeAll, readInputsFile } from './run-command.js';

interface CheckCommandOptions {
  readonly inputs?: string;
  readonly journal?: string;
  readonly child?: string;
  readonly seed?: string;
  readonly json?: boolean;
}

export function registerCheck(program: Program): void {
  program
    .command('check')
    .argument('[scenario]', 'the scenario file (YAML): required with --inputs; with --journal, applied instead of the recorded one')
    .option('--inputs <FILE.jsonl>', 'run SCENARIO with these inputs and lifecycle commands (the lines romhost run --inputs reads) as the reference, then check it')
    .option('--journal <FILE>', 'check against a journal written by romhost run --record')
    .option('--child <CHILD>', 'restart only CHILD (default: one run per child, in name order)')
    .option('--seed <N>', 'add a run that restarts at random updates, 1 in 4, drawn from seed N (0 to 4294967295; the same N, the same restarts); without it, no random run')
    .option('--json', 'print the result as one JSON object')
    .description('check the state-machine property: replay with each child killed and restarted before each of its updates; every report must stay as recorded')
    .addHelpText(
      'after',
      `
A component that keeps state only in its instance, and not in a report routed back to itself,
forgets it on a restart: some later report differs from the reference run (DESIGN.md §3.4).
Each run replays the reference on a fresh host, restarting the child before each of its updates
(a fresh instance whose start update, with every routed ROM, stands in for the update), and
compares every report change and fault with the reference, step by step.

Exit 0 when every run replays as the reference; exit 1 when one diverges, printed with the run
that found it (the child restarted, or the seed), the step, the input, the report, and reference
vs replayed; exit 2 on an error (a missing file, an unknown child).

Examples:
  romhost check examples/counter/scenario.yaml --inputs steps.jsonl
  romhost check examples/windows/scenario.yaml --inputs examples/windows/session.jsonl --seed 7
  romhost run examples/counter/scenario.yaml --input input=a --input input=b --once --record run.journal
  romhost check --journal run.journal --child counter --json`,
    )
    .action(async (scenario: string | undefined, options: CheckCommandOptions) => {
      if (options.inputs === undefined && options.journal === undefined) {
        throw new Error('check needs a reference run: SCENARIO --inputs FILE.jsonl, or --journal FILE (recorded with romhost run --record)');
      }
      if (options.inputs !== undefined && options.journal !== undefined) {
        throw new Error('--inputs and --journal do not go together: check a run of SCENARIO with --inputs, or a recorded --journal');
      }
      if (options.inputs !== undefined && scenario === undefined) throw new Error(`--inputs needs SCENARIO: romhost check SCENARIO --inputs ${options.inputs}`);
      // Digits only: Number() would take "0x10" or "1e3", and a seed should read the same everywhere it is written.
      // Checked here, not only by the check, so a bad flag is said before the reference run is recorded.
      const seed = options.seed === undefined ? undefined : /^\d{1,10}$/.test(options.seed) ? Number(options.seed) : NaN;
      if (seed !== undefined && !(seed <= 0xffff_ffff)) throw new Error(`--seed ${options.seed}: expected a whole number from 0 to 4294967295, e.g. --seed 7`);

      const journal = options.journal !== undefined ? await readJournal(options.journal) : await reference(scenario!, options.inputs!);
      const tty = process.stderr.isTTY && !options.json;
      const result = await checkStateMachine(journal, {
        ...(options.journal !== undefined && scenario !== undefined ? { scenario } : {}),
        ...(options.child === undefined ? {} : { child: options.child }),
        ...(seed === undefined ? {} : { seed }),
        ...(tty ? { onProgress: showProgress } : {}),
      });
      if (tty) process.stderr.write('\r\x1b[K');

      const name = options.journal ?? `${scenario} with ${options.inputs}`;
      if (options.json) {
        const runs = result.runs.map((run) => ({
          label: run.label,
          ...(run.child === undefined ? {} : { child: run.child }),
          ...(run.seed === undefined ? {} : { seed: run.seed }),
          steps: run.steps,
          restarts: run.restarts.length,
          identical: !run.divergence,
          ...(run.divergence ? { divergence: divergenceJson(run.divergence) } : {}),
        }));
        const source = options.journal !== undefined ? { journal: options.journal, ...(scenario ? { scenario } : {}) } : { scenario, inputs: options.inputs };
        process.stdout.write(`${JSON.stringify({ ...source, steps: result.steps, children: result.children, holds: result.holds, runs })}\n`);
      } else {
        for (const run of result.runs) process.stdout.write(`${describeCheckRun(run)}\n`);
        const failed = result.runs.filter((r) => r.divergence).length;
        const n = result.runs.length;
        process.stdout.write(
          failed === 0
            ? `${name}: the state-machine property holds: ${n} run${n === 1 ? '' : 's'}, every report as in the reference\n`
            : `${name}: the state-machine property fails: ${failed} of ${n} run${n === 1 ? '' : 's'} diverged\n`,
        );
      }
      process.exitCode = result.holds ? 0 : 1;
    });
}

/**
 * The reference run of `--inputs`: the scenario and the commands on a fresh host, recorded in
 * memory as `romhost run --record` would record them. A command that fails is said on stderr and
 * left out, as in `romhost run`: it took no step, so the journal has nothing of it.
 */
async function reference(scenario: string, inputs: string): Promise<Journal> {
  const commands = await readInputsFile(inputs);
  const loaded = await loadScenario(scenario);
  return recordRun(
    async (host) => {
      await host.apply(loaded);
      await executeAll(host, commands);
    },
    // Anchored at the scenario: its path is what the journal records, and what messages name.
    { file: scenario },
  );
}

/** One line, rewritten: where the check is, for a person waiting on a long journal. */
function showProgress(p: CheckProgress): void {
  if (p.steps % 100 === 0 || p.steps === p.of) process.stderr.write(`\rromhost: check: run ${p.run} of ${p.runs}, step ${p.steps} of ${p.of}`);
}
