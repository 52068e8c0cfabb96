/**
 * The Rust step: the component's crate (`src/lib.rs`, using the kit crate `romhost` of
 * kits/rust/romhost) → a core module, with rustc alone (no cargo, no crates.io): the kit as an
 * rlib, then the component as a cdylib for wasm32-unknown-unknown against it, with fat LTO,
 * opt-level z, panic=abort and symbols stripped. std works and imports nothing on that target.
 *
 * Reproducible: rustc runs in the component's folder on the source's relative path, the kit's
 * folder is remapped to `kits/rust/romhost`, the crate is always called `component`, no debug
 * info; the scratch folder never reaches the output. The bytes depend on the sources and the
 * rustc (with its standard library) only: Debian's rustc 1.63 builds the committed ones.
 */
import { statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fail } from '../errors.js';
import type { StepInput, StepOutput } from './languages.js';
import { rustError, rustWarnings, type Places } from './rust-diagnostics.js';
import { checkRustModule } from './rust-module.js';
import { findRustc, rustcCandidates, RUST_TARGET } from './rust-toolchain.js';
import { runTool } from './run-tool.js';
import { romhostWorldWit } from './world-wit.js';

const COMMON = [
  '--edition', '2021',
  '--target', RUST_TARGET,
  '-C', 'opt-level=z',
  '-C', 'panic=abort',
  '-C', 'codegen-units=1',
  '-C', 'debuginfo=0',
  '--error-format=json',
];

const COMPONENT = [
  '--crate-type', 'cdylib',
  // Symbol names, and so the code's layout, would otherwise depend on the folder's name.
  '--crate-name', 'component',
  '-C', 'lto=fat',
  '-C', 'strip=symbols',
  // The stack (first in memory: an overflow traps below address 0) is 1 MiB by default, 16 pages
  // in every instance; 64 KiB as in the C kit.
  '-C', 'link-arg=-zstack-size=65536',
];

const KIT_PREFIX = 'kits/rust/romhost';

/** kits/rust/romhost/ of the package this module belongs to, beside its wit/. */
export function rustKitDir(): string {
  return join(dirname(dirname(romhostWorldWit())), KIT_PREFIX);
}

export interface RustOptions {
  /** The rustc binaries to try, in order; default {@link rustcCandidates}. */
  readonly rustc?: readonly string[];
}

export async function compileRust(input: StepInput, options: RustOptions = {}): Promise<StepOutput> {
  if (statSync(input.source, { throwIfNoEntry: false })?.isFile() !== true) return fail('build-failed', { file: input.source, reason: 'no such file' });
  const rustc = await findRustc(options.rustc ?? rustcCandidates());
  if ('missing' in rustc) return fail('build-failed', { file: input.source, reason: rustc.missing });
  const kit = rustKitDir();
  const places: Places = { dir: input.dir, source: input.source, kit: { prefix: KIT_PREFIX, dir: kit } };

  const scratch = await mkdtemp(join(tmpdir(), 'romhost-rust-'));
  try {
    const rlib = join(scratch, 'libromhost.rlib');
    input.onProgress(`compiling the romhost kit (${rustc.version}, ${rustc.path})`);
    const kitArgs = ['--crate-type', 'rlib', '--crate-name', 'romhost', `--remap-path-prefix=${kit}=${KIT_PREFIX}`];
    await compile(rustc.path, [...COMMON, ...kitArgs, '-o', rlib, join(kit, 'src', 'lib.rs')], scratch, places, input);

    input.onProgress(`compiling ${input.source} (opt-level z, lto)`);
    const wasm = join(scratch, 'component.wasm');
    const args = [...COMMON, ...COMPONENT, '--extern', `romhost=${rlib}`, '-o', wasm, relative(input.dir, input.source)];
    await compile(rustc.path, args, input.dir, places, input);
    const bytes = new Uint8Array(await readFile(wasm));
    checkRustModule(bytes, input.source);
    return { kind: 'core', bytes };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** One rustc run: its warnings go to progress, its first error is the build's fault. */
async function compile(rustc: string, args: readonly string[], cwd: string, places: Places, input: StepInput): Promise<void> {
  const { status, stderr } = await runTool(rustc, args, cwd);
  for (const line of rustWarnings(stderr, places)) input.onProgress(line);
  if (status !== 'ok') fail('build-failed', rustError(stderr, places));
}
