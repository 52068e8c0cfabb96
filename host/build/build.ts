/**
 * Building a component folder: manifest → the language's step → (wrapped as a component unless
 * the manifest asks for the core module) → the .wasm file. The output depends on the source,
 * the WIT and the pinned toolchain only, so a rebuild gives the same bytes; an unchanged file is
 * not rewritten.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../errors.js';
import { languageStep } from './languages.js';
import { readManifest } from './manifest.js';
import { DEFAULT_WORLD, romhostWorldWit } from './world-wit.js';
import { wrapAsComponent } from './wrap.js';

export interface BuildOptions {
  /** One line per component built (and per stage, for slow toolchains). */
  readonly onProgress?: (line: string) => void;
  /**
   * Compare with the .wasm on disk instead of writing it: a CI check that the committed bytes
   * are what the sources build to. A difference is reported as `stale`, not thrown.
   */
  readonly check?: boolean;
}

export interface BuildResult {
  /** The component folder, as given. */
  readonly dir: string;
  /** The built file: the folder joined with the manifest's `wasm`. */
  readonly wasm: string;
  readonly kind: 'component' | 'core';
  readonly bytes: Uint8Array;
  /** `written`: the file was new or different; `unchanged`: it already held these bytes; `stale` (check only): it does not. */
  readonly status: 'written' | 'unchanged' | 'stale';
}

export async function buildComponent(dir: string, options: BuildOptions = {}): Promise<BuildResult> {
  const onProgress = options.onProgress ?? (() => {});
  const manifest = readManifest(dir);
  const source = join(dir, manifest.source);
  const step = await languageStep(manifest.language)({ dir, source, onProgress });

  let kind = step.kind;
  let bytes = step.bytes;
  if (step.kind === 'core' && manifest.core !== true) {
    const wit = manifest.wit === undefined ? romhostWorldWit() : join(dir, manifest.wit);
    bytes = await wrapAsComponent(step.bytes, { wit, world: manifest.world ?? DEFAULT_WORLD }, source);
    kind = 'component';
  } else if (step.kind === 'component' && manifest.core === true) {
    return fail('build-failed', { file: source, reason: `the ${manifest.language} toolchain emits a component, but component.json asks for a core module ("core": true)` });
  }

  const wasm = join(dir, manifest.wasm);
  const same = sameBytes(readIfExists(wasm), bytes);
  let status: BuildResult['status'];
  if (same) status = 'unchanged';
  else if (options.check === true) status = 'stale';
  else {
    writeFileSync(wasm, bytes);
    status = 'written';
  }
  onProgress(`${status} ${wasm} (${kind}, ${bytes.length} bytes)`);
  return { dir, wasm, kind, bytes, status };
}

/** Builds the folders one after another, in the order given; the first fault stops the build. */
export async function buildComponents(dirs: readonly string[], options: BuildOptions = {}): Promise<BuildResult[]> {
  const results: BuildResult[] = [];
  for (const dir of dirs) results.push(await buildComponent(dir, options));
  return results;
}

function readIfExists(file: string): Uint8Array | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && Buffer.compare(a, b) === 0;
}
