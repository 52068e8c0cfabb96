import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { Engine, inspectPackage, RomhostError } from '../index.js';

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .argument('<file>', 'a component .wasm file, or a package .romhost (made by romhost pack)')
    .description('show a component (its world, imports, exports, core modules, size and call path) or a package (its scenario, components, their hashes and sizes, its world), as JSON')
    .addHelpText('after', '\nExamples:\n  romhost inspect components/counter-wat/counter-wat.wasm\n  romhost inspect counter.romhost')
    .action(async (file: string) => {
      const info = file.endsWith('.romhost') ? await packageInfo(file) : await componentInfo(file);
      process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    });
}

/** A package's manifest, verified as romhost run verifies it: a damaged package is refused here too. */
async function packageInfo(file: string): Promise<object> {
  const { sha256, bytes, manifest } = await inspectPackage(file);
  return { file, sha256, bytes, version: manifest.version, world: manifest.world, scenario: manifest.scenario, components: manifest.components, ...(manifest.subsystems ? { subsystems: manifest.subsystems } : {}) };
}

async function componentInfo(file: string): Promise<object> {
  const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
    throw new RomhostError('component-unreadable', { file, reason: e.code === 'ENOENT' ? 'no such file' : e.message }, { cause: e });
  });
  const c = await new Engine().load(bytes, file);
  return {
    file,
    hash: c.hash,
    size: c.size,
    world: 'romhost:component/state-machine@0.1.0',
    imports: c.imports,
    exports: c.exports,
    coreModules: c.coreModules,
    callPath: c.callPath,
    ...(c.glueReason === undefined ? {} : { glueReason: c.glueReason }),
  };
}
