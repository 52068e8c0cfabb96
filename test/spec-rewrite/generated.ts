import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from './commands.js';
import type { Converted, Dropped } from './wast-to-json.js';

/**
 * The spec tests as wast2json (Debian's wabt 1.0.32) converts them, committed so that the tests
 * need no wabt: generate.ts writes this folder, spec-rewrite.test.ts only reads it.
 */
export const SUITE = 'test/wasm-spec-tests';
export const GENERATED = join(SUITE, 'generated');
/** The modules, one file per distinct content, named by it: `<sha256, 16 hex digits>.wasm`. */
export const MODULES = 'wasm';
export const INDEX = 'index.json';
export const REGENERATE = 'npm run spec:generate (it needs wast2json: apt-get install wabt)';

/** index.json: the wast2json that wrote the folder, and the .wast files it converted, with their hashes. */
export interface GeneratedIndex {
  readonly wast2json: string;
  readonly files: Readonly<Record<string, string>>;
}

/**
 * `<name>.json`: a Converted without its `dir`. Commands are wast2json's, each `.wasm` filename
 * renamed to its file in `wasm/`; a `text` module's `.wat` is not kept (nothing reads it).
 */
export interface GeneratedScript {
  readonly dropped: readonly Dropped[];
  readonly unregistered: readonly string[];
  readonly unexported: Readonly<Record<string, readonly string[]>>;
  readonly cut: readonly number[];
  readonly commands: readonly Command[];
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function readIndex(): GeneratedIndex {
  const path = join(GENERATED, INDEX);
  if (!existsSync(path)) throw new Error(`${path} is missing: run ${REGENERATE}`);
  return JSON.parse(readFileSync(path, 'utf8')) as GeneratedIndex;
}

/**
 * Why the committed folder does not match the .wast files (undefined when it does): a .wast
 * added, removed or changed since the folder was generated.
 */
export function staleness(index: GeneratedIndex, wastFiles: readonly string[]): string | undefined {
  const problems: string[] = [];
  for (const file of wastFiles) {
    const hash = index.files[file];
    if (hash === undefined) problems.push(`${file} is not in it`);
    else if (hash !== sha256(readFileSync(join(SUITE, file)))) problems.push(`${file} has changed since`);
  }
  for (const file of Object.keys(index.files)) if (!wastFiles.includes(file)) problems.push(`${file} is in it, but not in ${SUITE}`);
  return problems.length === 0 ? undefined : `${GENERATED} is stale (${problems.join('; ')}): run ${REGENERATE}`;
}

/** A .wast file's converted script, from the committed folder. */
export function readConverted(file: string): Converted {
  const script = JSON.parse(readFileSync(join(GENERATED, `${basename(file, '.wast')}.json`), 'utf8')) as GeneratedScript;
  return {
    commands: script.commands,
    dir: join(GENERATED, MODULES),
    dropped: script.dropped,
    unregistered: new Set(script.unregistered),
    unexported: new Map(Object.entries(script.unexported).map(([name, fields]) => [name, new Set(fields)])),
    cut: new Set(script.cut),
  };
}

/** JSON with one line per array item, so that a diff of a regenerated folder reads by command. */
export function layout(script: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(script).map(([key, value]) => {
    const text = Array.isArray(value) && value.length > 0 ? `[\n    ${value.map((v) => JSON.stringify(v)).join(',\n    ')}\n  ]` : JSON.stringify(value);
    return `  ${JSON.stringify(key)}: ${text}`;
  });
  return `{\n${entries.join(',\n')}\n}\n`;
}
