import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { Engine, RomhostError } from '../index.js';

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .argument('<component>', 'a component .wasm file')
    .description('show a component: its world, imports, exports, core modules, size and call path, as JSON')
    .addHelpText('after', '\nExample:\n  romhost inspect components/counter-wat/counter-wat.wasm')
    .action(async (file: string) => {
      const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
        throw new RomhostError('component-unreadable', { file, reason: e.code === 'ENOENT' ? 'no such file' : e.message }, { cause: e });
      });
      const c = await new Engine().load(bytes, file);
      const info = {
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
      process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    });
}
