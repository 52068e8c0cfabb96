/**
 * The AssemblyScript step: a component's source, which imports the kit as "romhost" and exports
 * `update(changed: string[])`, → a core module, compiled in-process by asc (kits/as/README.md).
 *
 * asc reads every file through `readFile` below: the entry is kits/as/entry.ts served beside the
 * source (so its `import "./COMPONENT"` finds it), "romhost" is kits/as/romhost.ts, and nothing
 * else of the folder but .ts files is read (an asconfig.json is ignored: the flags are romhost's).
 * The bytes depend on the sources, the flags and the pinned asc only: asc is given paths relative
 * to the component folder and no debug information, so no path reaches the output.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fail } from '../errors.js';
import { firstError, foreignImport, plain, type ReadSource } from './as-diagnostics.js';
import { loadAsc, ASC_VERSION, type AscModule } from './as-toolchain.js';
import type { LanguageStep, StepInput, StepOutput } from './languages.js';
import { readText } from './read-text.js';
import { romhostWorldWit } from './world-wit.js';

type Transform = NonNullable<NonNullable<Parameters<AscModule['main']>[1]>['transforms']>[number];

/** What every component is compiled with: each flag is part of what the committed bytes are. */
const FLAGS = [
  // The kit collects garbage itself, after each update, when no managed value is on the stack.
  '--runtime', 'minimal',
  // Globals are set up by `_initialize`, after the host has wired the imports (wit/ABI.md).
  '--exportStart', '_initialize',
  // A failed assertion or a throw traps, instead of importing env.abort.
  '--use', 'abort=',
  '--optimizeLevel', '3',
  '--shrinkLevel', '1',
  '--noColors',
];

/** How the kit's package is asked for: the first place asc looks for `import ... from "romhost"`. */
const KIT_REQUEST = 'node_modules/romhost/index.ts';
/** asc's name for the kit in its diagnostics. */
const KIT_NAME = '~lib/romhost/index.ts';
const ENTRY_FILE = '.romhost-entry.ts';

/** The step, with the compiler at `compiler` (a module specifier; tests point it elsewhere). */
export function assemblyScriptStep(compiler = 'assemblyscript/asc'): LanguageStep {
  return async (input) => compile(input, compiler);
}

export const compileAssemblyScript: LanguageStep = assemblyScriptStep();

async function compile(input: StepInput, compiler: string): Promise<StepOutput> {
  const raise = (reason: string, cause?: unknown): never => fail('build-failed', { file: input.source, reason }, cause);
  const text = readText(input.source, raise);
  const source = relative(input.dir, input.source).split(sep).join('/');
  if (!source.endsWith('.ts')) raise('an AssemblyScript source is a .ts file');

  const asc = await loadAsc(compiler);
  if (typeof asc === 'string') return raise(asc);
  input.onProgress(`compiling ${input.source} (AssemblyScript ${ASC_VERSION})`);

  const kit = join(dirname(dirname(romhostWorldWit())), 'kits', 'as');
  const entry = posix.join(posix.dirname(source), ENTRY_FILE);
  const sources = new Map<string, ReadSource>([
    [source, { file: input.source, text }],
    [entry, { file: join(kit, 'entry.ts'), text: readFileSync(join(kit, 'entry.ts'), 'utf8').replace('./COMPONENT', `./${posix.basename(source, '.ts')}`) }],
    [KIT_NAME, { file: join(kit, 'romhost.ts'), text: readFileSync(join(kit, 'romhost.ts'), 'utf8') }],
  ]);
  const diagnostics: Parameters<typeof firstError>[0][number][] = [];
  let binary: Uint8Array<ArrayBuffer> | undefined;
  // Relative to the folder, asc's names for files and its search for packages start there.
  const result = await asc.main([entry, '--baseDir', input.dir, '--outFile', 'module.wasm', ...FLAGS], {
    readFile: (name, baseDir) => {
      if (name === KIT_REQUEST) return sources.get(KIT_NAME)!.text;
      const known = sources.get(name);
      if (known !== undefined) return known.text;
      if (!name.endsWith('.ts')) return null;
      const file = resolve(baseDir, name);
      try {
        const read = readFileSync(file, 'utf8');
        sources.set(name, { file: join(input.dir, name), text: read });
        return read;
      } catch {
        return null;
      }
    },
    writeFile: (_name, contents) => {
      if (typeof contents !== 'string') binary = new Uint8Array(contents);
    },
    listFiles: () => [],
    reportDiagnostic: (d) => diagnostics.push(d),
    stdout: { write: () => {} },
    stderr: { write: () => {} },
    // asc takes objects with hooks as transforms; its typing wants a Transform class instance.
    transforms: [{ afterCompile: () => input.onProgress(`optimizing ${input.source}`) } as unknown as Transform],
  });

  const error = firstError(diagnostics, sources);
  if (error !== undefined) {
    // The entry imports the component's `update`: an error there is the source's missing or wrong export.
    if (error.file.startsWith(sources.get(entry)!.file)) {
      return raise(`the source must export function update(changed: string[]): void (${plain(error.reason)})`);
    }
    return fail('build-failed', { file: error.file, reason: plain(error.reason) });
  }
  if (result.error !== null || binary === undefined) return raise(`asc failed: ${result.error?.message ?? 'no output'}`, result.error);
  const foreign = foreignImport(new WebAssembly.Module(binary));
  if (foreign !== undefined) return raise(foreign);
  return { kind: 'core', bytes: binary };
}
