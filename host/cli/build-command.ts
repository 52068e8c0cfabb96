import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildComponents, findComponentDirs, MANIFEST_FILE } from '../index.js';

interface BuildCommandOptions {
  readonly check?: boolean;
}

/** Where `romhost build` looks when given no folder, relative to the working directory. */
const DEFAULT_ROOTS = ['components', join('test', 'fixtures'), join('test', 'hostile')];

export function registerBuild(program: Command): void {
  program
    .command('build')
    .argument('[dir...]', 'component folders (with a component.json), or folders to search for them')
    .option('--check', 'write nothing: exit 1 if a .wasm file differs from what its source builds to')
    .description('build components from source: each folder\'s component.json names the language, the source and the .wasm to write')
    .addHelpText(
      'after',
      `
Without DIR, builds every component folder under ${DEFAULT_ROOTS.join(', ')}. Progress goes to stderr,
one line per component. The output is byte-reproducible: an unchanged source rewrites nothing.

component.json: {"language": "wat", "source": "NAME.wat", "wasm": "NAME.wasm"}
  optional: "wit": "FILE.wit" and "world": "NAME" (default romhost's wit/world.wit, world state-machine),
            "core": true (emit the core module, not a component)

Examples:
  romhost build
  romhost build components/counter-wat
  romhost build --check`,
    )
    .action(async (dirs: string[], options: BuildCommandOptions) => {
      const folders = dirs.length > 0 ? dirs.flatMap(componentFolders) : DEFAULT_ROOTS.flatMap(findComponentDirs);
      const results = await buildComponents(folders, {
        onProgress: (line) => process.stderr.write(`${line}\n`),
        check: options.check === true,
      });
      const stale = results.filter((r) => r.status === 'stale');
      if (stale.length > 0) {
        process.stderr.write(`romhost: ${stale.length} of ${results.length} components are out of date: run romhost build and commit the .wasm files\n`);
        process.exitCode = 1;
      }
    });
}

/** A folder given on the command line: itself if it holds a manifest, else the component folders below it. */
function componentFolders(dir: string): string[] {
  if (existsSync(join(dir, MANIFEST_FILE))) return [dir];
  const below = findComponentDirs(dir);
  // Nothing below: build the folder itself, so that the error names its missing manifest.
  return below.length > 0 ? below : [dir];
}
