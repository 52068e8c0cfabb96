import type { Command } from 'commander';
import { createHost, loadScenario, openStore, readPackage, storeSnapshot, writeSnapshot, type Snapshot } from '../index.js';
import { executeAll, givenCommands } from './run-command.js';

interface SnapshotOptions {
  readonly output: string;
  readonly input: string[];
  readonly inputs?: string;
  readonly store?: string;
  readonly json?: boolean;
}

export function registerSnapshot(program: Command): void {
  program
    .command('snapshot')
    .argument('[scenario]', 'the scenario file (YAML), or a package of one (.romhost)')
    .requiredOption('-o, --output <FILE>', 'the snapshot file to write')
    .option('--input <NAME=TEXT>', 'publish TEXT as input/NAME (repeatable, in order)', (v: string, all: string[]) => [...all, v], [])
    .option('--inputs <FILE.jsonl>', 'run each JSON line of FILE (the lines romhost run reads), after the --input flags')
    .option('--store <DIR>', 'instead of a scenario: the run an lmdb store holds (of a host stopped, romhost run --store DIR), as it stands')
    .option('--json', 'print what was written as one JSON object on stdout')
    .description('write a snapshot: the scenario, each component\'s SHA-256 and every ROM and report value at a step boundary, in one file that romhost run --restore resumes')
    .addHelpText(
      'after',
      `
With SCENARIO, it is applied on a fresh host, the inputs run, and the host is written as it then is;
a command that fails is said on stderr and the run goes on (exit 1 once the snapshot is written). With
--store DIR, the store's last step, values and children, and the scenario its journal last applied (its
file relative to the working directory, as romhost run --store recorded it). The file is gzip of one
JSON document (gunzip -c FILE | jq shows it); the components are not in it: restore with a package of
the scenario (romhost pack), a store that has them, or the scenario's own files (docs/snapshot.md).
A {"snapshot": "PATH"} line to romhost run writes one from a live host.

Examples:
  romhost snapshot examples/windows/scenario.yaml --inputs examples/windows/session.jsonl -o windows.snapshot
  romhost pack examples/windows/scenario.yaml -o windows.romhost
  romhost run windows.romhost --restore windows.snapshot --input 'pointer={"x":5,"y":5,"pressed":false}' --once
  romhost snapshot --store /tmp/counter -o counter.snapshot`,
    )
    .action(async (given: string | undefined, options: SnapshotOptions) => {
      if ((given === undefined) === (options.store === undefined)) throw new Error('romhost snapshot takes a scenario (or a package) to run, or --store DIR, and not both: romhost snapshot --help has examples');
      const taken = given === undefined ? await ofStore(options.store!) : await ofRun(given, options);
      const written = await writeSnapshot(options.output, taken.snapshot);
      process.stderr.write(`romhost: snapshot of step ${written.step} of ${taken.snapshot.scenario.file} written to ${written.file} (${written.bytes} bytes, ${taken.snapshot.values.length} values)\n`);
      if (options.json) process.stdout.write(`${JSON.stringify({ ...written, scenario: taken.snapshot.scenario.file, components: taken.snapshot.components, values: taken.snapshot.values.length })}\n`);
      process.exitCode = taken.failed > 0 ? 1 : 0;
    });
}

/** The scenario (a package's, unpacked) on a fresh host, after the inputs: `failed` commands did not run. */
async function ofRun(given: string, options: SnapshotOptions): Promise<{ snapshot: Snapshot; failed: number }> {
  const file = given.endsWith('.romhost') ? (await readPackage(given)).scenario.file : given;
  const commands = await givenCommands(options);
  const host = createHost();
  try {
    await host.apply(await loadScenario(file));
    const failed = await executeAll(host, commands);
    return { snapshot: await host.snapshot(), failed };
  } finally {
    await host.close();
  }
}

async function ofStore(dir: string): Promise<{ snapshot: Snapshot; failed: number }> {
  const store = await openStore(dir);
  try {
    return { snapshot: await storeSnapshot(store), failed: 0 };
  } finally {
    await store.close();
  }
}
