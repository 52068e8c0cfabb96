/**
 * The C step: the component's .c file and the kit's romhost.c (kits/c/) → a core module, with
 * clang and wasm-ld. Freestanding wasm32 without a C library, so the module imports nothing but
 * the world's `read` and `submit`; link-time optimisation across both files (the kit's small
 * functions inline into the component's code).
 *
 * Reproducible: clang runs in the component's folder on the source's relative path, so
 * `__FILE__` holds no absolute path; no debug info; the objects' temporary folder never reaches
 * the output. The bytes depend on the sources and the clang version only.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fail } from '../errors.js';
import { compileError, compileWarnings, linkError, type Objects } from './c-diagnostics.js';
import { CLANG_MISSING, findClang, missingLinker } from './c-toolchain.js';
import type { StepInput, StepOutput } from './languages.js';
import { runTool } from './run-tool.js';
import { romhostWorldWit } from './world-wit.js';

const COMPILE = [
  '--target=wasm32',
  '-std=gnu17',
  '-O2',
  '-flto',
  '-ffreestanding',
  '-nostdlib',
  // memcpy, memmove and memset become memory.copy and memory.fill: no library calls.
  '-mbulk-memory',
  '-Wall',
  '-Wextra',
  // An undeclared function would otherwise become an import the host refuses.
  '-Werror=implicit-function-declaration',
  '-fno-color-diagnostics',
];

const LINK = [
  '--target=wasm32',
  // No -O here: given one, clang runs any wasm-opt it finds on PATH over the output (binaryen's
  // npm package puts one in node_modules/.bin), and the bytes would depend on PATH.
  '-Wl,--lto-O2',
  '-flto',
  '-nostdlib',
  '-Wl,--no-entry',
  // The stack below the data: an overflow traps below address 0 instead of overwriting data.
  '-Wl,--stack-first',
  '-Wl,-z,stack-size=65536',
];

/** kits/c/ of the package this module belongs to, beside its wit/. */
export function cKitDir(): string {
  return join(dirname(dirname(romhostWorldWit())), 'kits', 'c');
}

export async function compileC(input: StepInput): Promise<StepOutput> {
  if (!isFile(input.source)) return fail('build-failed', { file: input.source, reason: 'no such file' });
  const clang = findClang(process.env['PATH'] ?? '');
  if (clang === undefined) return fail('build-failed', { file: input.source, reason: CLANG_MISSING });
  const kit = cKitDir();
  const include = ['-I', kit, `-ffile-prefix-map=${kit}=kits/c`];
  const objects: Objects = {
    source: { object: 'source.o', file: input.source },
    kit: { object: 'kit.o', file: join(kit, 'romhost.c') },
  };

  const scratch = await mkdtemp(join(tmpdir(), 'romhost-c-'));
  try {
    input.onProgress(`compiling ${input.source} (${clang})`);
    const compiled = await Promise.all(
      [
        [relative(input.dir, input.source), objects.source.object],
        [objects.kit.file, objects.kit.object],
      ].map(([file, object]) => runTool(clang, [...COMPILE, ...include, '-c', file!, '-o', join(scratch, object!)], input.dir)),
    );
    for (const { stderr } of compiled) for (const line of compileWarnings(stderr, input.dir)) input.onProgress(line);
    const failed = compiled.find((c) => c.status !== 'ok');
    if (failed) return fail('build-failed', compileError(failed.stderr, input.dir, input.source));

    input.onProgress(`linking ${input.source} (wasm-ld)`);
    const linked = await runTool(clang, [...LINK, objects.source.object, objects.kit.object, '-o', 'module.wasm'], scratch);
    if (linked.status !== 'ok') {
      const linker = missingLinker(linked.stderr);
      return fail('build-failed', linker ? { file: input.source, reason: linker } : linkError(linked.stderr, objects));
    }
    return { kind: 'core', bytes: new Uint8Array(await readFile(join(scratch, 'module.wasm'))) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}


function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
