#!/usr/bin/env node
import { Command } from 'commander';
import { isRomhostError } from '../errors.js';
import { registerBisect } from './bisect-command.js';
import { registerBuild } from './build-command.js';
import { registerCheck } from './check-command.js';
import { registerInspect } from './inspect-command.js';
import { registerNew } from './new-command.js';
import { registerPack } from './pack-command.js';
import { registerReplay } from './replay-command.js';
import { registerRun } from './run-command.js';
import { registerSnapshot } from './snapshot-command.js';

const program = new Command('romhost')
  .description('a host for WebAssembly components written as pure state machines: ROMs in, reports out')
  .addHelpText('after', '\nExample:\n  romhost run examples/counter/scenario.yaml --input input=hello --once')
  .showHelpAfterError('(romhost --help lists the commands; romhost COMMAND --help explains one)')
  // A usage error exits 2, like every other error: 1 means a verdict (a divergence, a fault).
  // Set before the commands are added, which inherit it.
  .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : 2));

registerRun(program);
registerReplay(program);
registerCheck(program);
registerBisect(program);
registerSnapshot(program);
registerPack(program);
registerInspect(program);
registerBuild(program);
registerNew(program);

try {
  await program.parseAsync();
} catch (e) {
  // One clear line: what is at fault and what to do. The stack is for bugs, not for users.
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`romhost: ${message}\n`);
  if (!isRomhostError(e) && process.env['ROMHOST_DEBUG'] === '1' && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exitCode = 2;
}
