import { join } from 'node:path';
import type { Command } from 'commander';
import {
  buildComponent,
  createHost,
  LANGUAGES,
  loadScenario,
  RomhostError,
  scaffoldComponent,
  scaffoldLanguages,
  SMOKE_SCENARIO,
  type Language,
} from '../index.js';

interface NewOptions {
  readonly lang: string;
  readonly dir?: string;
}

export function registerNew(program: Command): void {
  program
    .command('new')
    .argument('<name>', 'the component\'s name: lowercase letters, digits and -')
    .requiredOption('--lang <language>', `the language: ${LANGUAGES.join(', ')}`)
    .option('--dir <folder>', 'where to put it (default: components/NAME)')
    .description('start a component from its language\'s template (a counter), build it and smoke-test it')
    .addHelpText(
      'after',
      `
The new folder holds the source, component.json, a README and ${SMOKE_SCENARIO}, a scenario that
runs it; the command builds it and checks that it counts inputs and survives a restart.

Example:
  romhost new my-counter --lang c
  romhost run components/my-counter/${SMOKE_SCENARIO} --input input=a --input input=b --once`,
    )
    .action(async (name: string, options: NewOptions) => {
      const language = options.lang as Language;
      if (!LANGUAGES.includes(language)) {
        throw new RomhostError('scaffold-invalid', { what: `--lang ${options.lang}`, detail: `choose one of ${scaffoldLanguages().join(', ')}` });
      }
      const dir = options.dir ?? join('components', name);
      const made = scaffoldComponent(name, language, dir);
      process.stderr.write(`created ${dir}: ${made.files.join(', ')}\n`);
      const built = await buildComponent(dir, { onProgress: (line) => process.stderr.write(`${line}\n`) });
      await smokeTest(dir);
      process.stdout.write(`${dir}: ${language} component built (${built.bytes.length} bytes) and smoke-tested; run it with romhost run ${join(dir, SMOKE_SCENARIO)}\n`);
    });
}

/** Counts two distinct inputs (a repeat is no change), and a restart changes nothing. */
async function smokeTest(dir: string): Promise<void> {
  const host = createHost();
  try {
    const scenario = await loadScenario(join(dir, SMOKE_SCENARIO));
    const child = scenario.children[0]!.name;
    await host.apply(scenario);
    const count = () => new TextDecoder().decode(host.read(`${child}/count`));
    for (const input of ['a', 'b', 'b']) {
      const { faults } = await host.publish('input', input);
      if (faults.length > 0) throw new RomhostError('smoke-failed', { dir, detail: faults[0]!.message });
    }
    if (count() !== '2') throw new RomhostError('smoke-failed', { dir, detail: `after inputs a, b, b its count is "${count()}", expected "2"` });
    await host.restart(child);
    if (count() !== '2') throw new RomhostError('smoke-failed', { dir, detail: `after a restart its count is "${count()}": it keeps state outside its ROMs` });
  } finally {
    await host.close();
  }
}
