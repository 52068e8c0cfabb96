/**
 * The JavaScript step: an ES module (and the modules it imports from its folder, and the kit as
 * 'romhost') → a component, with componentize-js 0.22's StarlingMonkey engine. It is
 * componentize-js's pipeline with the snapshot taken here instead of by Wizer:
 *  1. splice: the world's bindings go into the engine (componentize-js's splicer);
 *  2. snapshot: the engine runs the source's top level under a fixed WASI (js-wasi.ts) and the
 *     result becomes the module's initial state (js-snapshot.ts);
 *  3. stub: every WASI import of the engine becomes a stub (every feature is off: no stdio,
 *     clocks, random, http), so the component imports nothing beyond the world;
 *  4. componentNew against the world the splicer embedded.
 *
 * Reproducible: the snapshot sees clock 0, a fixed random stream and a virtual file system whose
 * `/` is the component's folder, and the splicer's own clock is fixed (js-toolchain.ts); the bytes
 * depend on the sources, the WIT and the componentize-js version only.
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fail } from '../errors.js';
import { engineFault } from './js-diagnostics.js';
import { initializeAndSnapshot, type Initialized } from './js-snapshot.js';
import { JS_TOOLCHAIN_MISSING, loadJsToolchain, type JsToolchain } from './js-toolchain.js';
import { InitExit, InitWasi } from './js-wasi.js';
import type { StepInput, StepOutput } from './languages.js';
import { oneLine } from './tool-message.js';
import { DEFAULT_WORLD, romhostWorldWit } from './world-wit.js';
import { readText } from './read-text.js';

/** Where the generated bindings lie in the build's file system: a name no source can clash with. */
const BINDINGS = '/.romhost-bindings.js';
/** componentize-js's entry point for the snapshot: it runs the top level and finds the exports. */
const INIT_FUNC = 'componentize.wizer';

/** kits/js/ of the package this module belongs to, beside its wit/. */
export function jsKitDir(): string {
  return join(dirname(dirname(romhostWorldWit())), 'kits', 'js');
}

export async function compileJs(input: StepInput): Promise<StepOutput> {
  const source = input.source;
  if (!isFile(source)) return fail('build-failed', { file: source, reason: 'no such file' });
  const path = relative(input.dir, source).split('\\').join('/');
  // StarlingMonkey reads its arguments as one space-separated line.
  if (/\s/.test(path)) return fail('build-failed', { file: source, reason: 'the source\'s path may not contain white space' });
  const toolchain = await loadJsToolchain();
  if (toolchain === undefined) return fail('build-failed', { file: source, reason: JS_TOOLCHAIN_MISSING });

  // Lazily: manifest.ts imports languages.ts, which imports this module.
  const { readManifest } = await import('./manifest.js');
  const manifest = readManifest(input.dir);
  const wit = manifest.wit === undefined ? romhostWorldWit() : join(input.dir, manifest.wit);
  const world = manifest.world ?? DEFAULT_WORLD;
  const witSource = readText(wit, (reason, cause) => fail('build-failed', { file: wit, reason }, cause));

  input.onProgress(`splicing world ${world} into StarlingMonkey (componentize-js ${toolchain.version}) for ${source}`);
  let spliced: ReturnType<JsToolchain['splicer']['spliceBindings']>;
  try {
    spliced = toolchain.splicer.spliceBindings(toolchain.engine, [], witSource, undefined, world, false);
  } catch (e) {
    return fail('build-failed', { file: wit, reason: `world ${world}: ${oneLine(spliceMessage(e))}` }, e);
  }

  input.onProgress(`running the top level of ${source} for the snapshot`);
  const wasi = new InitWasi({
    dir: input.dir,
    kit: await readFile(join(jsKitDir(), 'romhost.js')),
    files: new Map([[BINDINGS, new TextEncoder().encode(spliced.jsBindings)]]),
    env: initEnv(path, spliced),
    stdin: new TextEncoder().encode(`--initializer-script-path ${BINDINGS} --strip-path-prefix / ${path}`),
  });
  const initialized = snapshot(spliced.wasm, wasi, input.dir, source);

  input.onProgress(`stubbing WASI and wrapping ${source} as a component`);
  const { componentNew, metadataAdd } = await import('@bytecodealliance/jco');
  try {
    const stubbed = toolchain.splicer.stubWasi(initialized.snapshot, [], witSource, undefined, world);
    const component = await componentNew(stubbed);
    const bytes = await metadataAdd(component, [
      ['language', [['JavaScript', '']]],
      ['processed-by', [['ComponentizeJS', toolchain.version]]],
    ]);
    return { kind: 'component', bytes };
  } catch (e) {
    return fail('build-failed', { file: source, reason: `does not fit world ${world} of ${wit}: ${oneLine(spliceMessage(e))}` }, e);
  }
}

/** Runs the top level and takes the snapshot; a failure names the file (and line) the engine names. */
function snapshot(engine: Uint8Array, wasi: InitWasi, dir: string, source: string): Initialized {
  let initialized: Initialized;
  try {
    initialized = initializeAndSnapshot(engine, INIT_FUNC, (imports) => ({ imports: initImports(imports, wasi), bind: (m) => wasi.bind(m) }));
  } catch (e) {
    if (e instanceof TopLevelCall) return fail('build-failed', { file: source, reason: e.message }, e);
    const fault = engineFault(wasi.output, dir, source, BINDINGS);
    if (fault) return fail('build-failed', fault, e);
    const why = e instanceof InitExit ? `exited with code ${e.code}` : oneLine(e);
    return fail('build-failed', { file: source, reason: `its top level failed: ${why}${wasi.output ? `: ${oneLine(wasi.output)}` : ''}` }, e);
  }
  // componentize-js's own check, after the snapshot was taken: did every export of the world bind?
  const status = (initialized.instance.exports['check_init'] as () => number)();
  if (status !== 0) {
    const fault = engineFault(wasi.output, dir, source, BINDINGS);
    return fail('build-failed', fault ?? { file: source, reason: `componentize-js's check of the exports failed (status ${status})` });
  }
  return initialized;
}

/** WASI preview 1 from `wasi`; every other import (the world's, WASI preview 2) must not run at build time. */
function initImports(imports: readonly WebAssembly.ModuleImportDescriptor[], wasi: InitWasi): WebAssembly.Imports {
  const preview1 = wasi.imports();
  const object: Record<string, Record<string, unknown>> = {};
  for (const { module, name } of imports) {
    const given = module === 'wasi_snapshot_preview1' ? preview1[name] : undefined;
    (object[module] ??= {})[name] =
      given ??
      (() => {
        throw new TopLevelCall(module, name);
      });
  }
  return object as WebAssembly.Imports;
}

class TopLevelCall extends Error {
  constructor(module: string, name: string) {
    super(
      module.startsWith('romhost:')
        ? `calls ${name} at the top level of a module, which runs once, at build time: call read and submit inside update only`
        : `calls ${module} ${name} at the top level, which a component cannot do`,
    );
  }
}

/** What componentize-js tells its engine through the environment: the exports and imports to bind. */
function initEnv(path: string, spliced: ReturnType<JsToolchain['splicer']['spliceBindings']>): Record<string, string> {
  const env: Record<string, string> = { DEBUG: '', FEATURE_CLOCKS: '', SOURCE_NAME: path, EXPORT_CNT: String(spliced.exports.length) };
  for (const [i, [name, fn]] of spliced.exports.entries()) {
    env[`EXPORT${i}_NAME`] = name;
    env[`EXPORT${i}_ARGS`] = (fn.paramptr ? '*' : '') + fn.params.join(',');
    env[`EXPORT${i}_RET`] = (fn.retptr ? '*' : '') + (fn.ret ?? '');
    env[`EXPORT${i}_RETSIZE`] = String(fn.retsize);
  }
  for (const [i, [, name, argCount]] of spliced.imports.entries()) {
    env[`IMPORT${i}_NAME`] = name;
    env[`IMPORT${i}_ARGCNT`] = String(argCount);
  }
  env['IMPORT_CNT'] = String(spliced.imports.length);
  return env;
}

/** The splicer throws jco's ComponentError, whose message is in `payload` (or `message`). */
function spliceMessage(e: unknown): unknown {
  const payload = (e as { payload?: unknown } | undefined)?.payload;
  return typeof payload === 'string' ? payload : e;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
