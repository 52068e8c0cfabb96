/**
 * Finding a rustc that can build for wasm32-unknown-unknown. Debian's /usr/bin/rustc (1.63, with
 * libstd-rust-dev-wasm32) comes first, before any rustc on PATH: a rustup rustc usually shadows it
 * there, often without the wasm32 target, and the committed .wasm files are its bytes. The first
 * candidate whose sysroot holds the target's standard library is the one used.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runTool } from './run-tool.js';

export const RUST_TARGET = 'wasm32-unknown-unknown';

/** The rustc the committed components were built with. */
export const DEBIAN_RUSTC = '/usr/bin/rustc';

const INSTALL = 'apt-get install rustc libstd-rust-dev-wasm32';

export interface Rustc {
  readonly path: string;
  /** `rustc 1.63.0`, as `rustc -V` says. */
  readonly version: string;
}

/** Where to look, in order: $ROMHOST_RUSTC if set, Debian's rustc, then each rustc on PATH. */
export function rustcCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const onPath = (env['PATH'] ?? '').split(delimiter).filter((dir) => dir !== '').map((dir) => join(dir, 'rustc'));
  const chosen = env['ROMHOST_RUSTC'];
  return [...new Set([...(chosen ? [chosen] : []), DEBIAN_RUSTC, ...onPath])];
}

/** What findRustc found, per list of candidates: asking costs two rustc runs. A miss is asked again. */
const found = new Map<string, Rustc>();

/** The first candidate with the wasm32 target, or a one-line reason why there is none. */
export async function findRustc(candidates: readonly string[]): Promise<Rustc | { readonly missing: string }> {
  const key = candidates.join('\0');
  const known = found.get(key);
  if (known !== undefined) return known;
  const present: string[] = [];
  for (const path of candidates) {
    const libdir = await runTool(path, ['--print', 'target-libdir', '--target', RUST_TARGET]);
    if (libdir.status === 'absent') continue;
    present.push(path);
    if (libdir.status === 'ok' && existsSync(libdir.stdout.trim())) {
      const version = await runTool(path, ['-V']);
      const rustc = { path, version: version.status === 'ok' ? version.stdout.trim() : 'rustc' };
      found.set(key, rustc);
      return rustc;
    }
  }
  if (present.length === 0) return { missing: `rustc not found: install it with ${INSTALL}` };
  return {
    missing: `no rustc with the ${RUST_TARGET} target (tried ${present.join(', ')}): install Debian's with ${INSTALL}, or run rustup target add ${RUST_TARGET}`,
  };
}

