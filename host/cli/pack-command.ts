import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { packScenario, RomhostError } from '../index.js';

interface PackOptions {
  readonly output: string;
  readonly json?: boolean;
}

export function registerPack(program: Command): void {
  program
    .command('pack')
    .argument('<scenario>', 'the scenario file (YAML)')
    .requiredOption('-o, --output <FILE.romhost>', 'the package file to write')
    .option('--json', 'print the manifest and the file written as one JSON object on stdout')
    .description('bundle a scenario and every component it names into one file that romhost run runs on any machine, with no toolchain')
    .addHelpText(
      'after',
      `
The package is a zip archive: manifest.json (the format version, the world its components need, and
each component's SHA-256 and size), scenario.yaml (the scenario, its component paths pointing into the
package) and components/SHA256.wasm. romhost run and romhost inspect verify it before anything else.

Example:
  romhost pack examples/counter/scenario.yaml -o counter.romhost
  romhost run counter.romhost --input input=a --once
  romhost inspect counter.romhost`,
    )
    .action(async (scenario: string, options: PackOptions) => {
      const file = options.output;
      // run and inspect tell a package by its extension: a package named otherwise would be read as YAML or wasm.
      if (!file.endsWith('.romhost')) throw new Error(`-o ${file}: a package's name must end in .romhost (romhost run and inspect tell it by that)`);
      const { bytes, manifest } = await packScenario(scenario);
      await writeFile(file, bytes).catch((e: NodeJS.ErrnoException) => {
        throw new RomhostError('package-unwritable', { file, reason: e.code === 'ENOENT' ? 'its folder does not exist' : e.message }, { cause: e });
      });
      const count = Object.keys(manifest.components).length;
      process.stderr.write(`romhost: packed ${scenario} and ${count} component${count === 1 ? '' : 's'} into ${file} (${formatSize(bytes.length)})\n`);
      if (options.json) process.stdout.write(`${JSON.stringify({ file, bytes: bytes.length, manifest })}\n`);
    });
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
