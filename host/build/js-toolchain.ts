/**
 * componentize-js, loaded piecewise: its splicer (a component, transpiled by jco, that writes the
 * world's bindings into the StarlingMonkey engine and later stubs out the engine's WASI imports)
 * and the engine itself. romhost runs the step between them, the snapshot, itself (js.ts).
 *
 * The splicer runs on preview2-shim's WASI, and its WASI stub for the clock bakes in the time it
 * reads while stubbing: Date.now() in the component would be the build's time. The shim's wall
 * clock and random bytes are therefore fixed (clock 0, random bytes 0) whenever the splicer runs.
 * The splicer reads them once, when it is first imported, so the patch must precede that import.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const COMPONENTIZE_JS = '@bytecodealliance/componentize-js';
const PREVIEW2_SHIM = '@bytecodealliance/preview2-shim';
export const JS_TOOLCHAIN_MISSING = `componentize-js not found: install it with npm install ${COMPONENTIZE_JS}@0.22.0 ${PREVIEW2_SHIM}@0.26.1`;

export type Feature = 'stdio' | 'clocks' | 'random' | 'http' | 'fetch-event';

export interface CoreFn {
  readonly params: readonly string[];
  readonly ret?: string;
  readonly retptr: boolean;
  readonly retsize: number;
  readonly paramptr: boolean;
}

export interface Splicer {
  spliceBindings(
    engine: Uint8Array,
    features: Feature[],
    witWorld: string | undefined,
    witPath: string | undefined,
    worldName: string | undefined,
    debug: boolean,
  ): { wasm: Uint8Array; jsBindings: string; exports: [string, CoreFn][]; imports: [string, string, number][] };
  stubWasi(engine: Uint8Array, features: Feature[], witWorld: string | undefined, witPath: string | undefined, worldName: string | undefined): Uint8Array;
}

export interface JsToolchain {
  readonly version: string;
  /** The StarlingMonkey engine, before any bindings. */
  readonly engine: Uint8Array;
  /** The splicer, with the clock and random bytes it sees fixed during every call. */
  readonly splicer: Splicer;
}

let loaded: Promise<JsToolchain | undefined> | undefined;

/** Loads componentize-js once per process; undefined when it (or preview2-shim) is not installed. */
export function loadJsToolchain(from: string = fileURLToPath(import.meta.url)): Promise<JsToolchain | undefined> {
  if (from !== fileURLToPath(import.meta.url)) return load(from);
  loaded ??= load(from);
  return loaded;
}

async function load(from: string): Promise<JsToolchain | undefined> {
  const dir = packageDir(COMPONENTIZE_JS, from);
  const shim = dir === undefined ? undefined : packageDir(PREVIEW2_SHIM, join(dir, 'package.json'));
  if (dir === undefined || shim === undefined) return undefined;
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;

  const { wallClock } = (await import(pathToFileURL(join(shim, 'dist', 'nodejs', 'clocks.js')).href)) as ShimClocks;
  const { random } = (await import(pathToFileURL(join(shim, 'dist', 'nodejs', 'random.js')).href)) as ShimRandom;
  fixWhileSplicing(wallClock, random);
  const module = (await import(pathToFileURL(join(dir, 'lib', 'spidermonkey-embedding-splicer.js')).href)) as { splicer: Splicer };
  return {
    version,
    engine: readFileSync(join(dir, 'lib', 'starlingmonkey_embedding.wasm')),
    splicer: {
      spliceBindings: splicing(module.splicer.spliceBindings.bind(module.splicer)),
      stubWasi: splicing(module.splicer.stubWasi.bind(module.splicer)),
    },
  };
}

/** Whether the splicer is running: the shim's clock and random bytes are fixed meanwhile. */
let inSplicer = false;
const PATCHED = Symbol('romhost: fixed while splicing');

/** Wraps the shim's wall clock and random bytes, once per process (their objects are shared). */
function fixWhileSplicing(wallClock: ShimClocks['wallClock'], random: ShimRandom['random']): void {
  if (PATCHED in wallClock) return;
  const realNow = wallClock.now.bind(wallClock);
  const realBytes = random.getRandomBytes.bind(random);
  wallClock.now = () => (inSplicer ? { seconds: 0n, nanoseconds: 0 } : realNow());
  random.getRandomBytes = (length) => (inSplicer ? new Uint8Array(Number(length)) : realBytes(length));
  Object.defineProperty(wallClock, PATCHED, { value: true });
}

function splicing<A extends unknown[], R>(call: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    inSplicer = true;
    try {
      return call(...args);
    } finally {
      inSplicer = false;
    }
  };
}

interface ShimClocks {
  wallClock: { now(): { seconds: bigint; nanoseconds: number } };
}

interface ShimRandom {
  random: { getRandomBytes(length: bigint | number): Uint8Array };
}

/** The folder of package `name` as Node would find it from file `from`, or undefined. */
function packageDir(name: string, from: string): string | undefined {
  for (const dir of createRequire(from).resolve.paths(name) ?? []) {
    if (existsSync(join(dir, name, 'package.json'))) return join(dir, name);
  }
  return undefined;
}
