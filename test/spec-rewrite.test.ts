/**
 * The WebAssembly core spec tests (test/wasm-spec-tests/, written by others) through the rewrite
 * that meters fuel, counts call depth and caps memory: every command must give the same result
 * on the rewritten modules as on the originals, and the spec's result on both (DESIGN.md §6).
 * It reads them as wast2json converted them, committed in test/wasm-spec-tests/generated/
 * (`npm run spec:generate`, which needs wabt; CI checks the folder is up to date): no wabt here.
 */
import { readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rewriteCore, type RewriteOptions } from '../host/engine/rewrite/index.js';
import { readConverted, readIndex, staleness, SUITE } from './spec-rewrite/generated.js';
import { runWast, type WastRun } from './spec-rewrite/run-wast.js';

/** Generous limits: only the spec's own runaway recursion reaches them (the depth before V8's stack). */
const OPTIONS: RewriteOptions = { fuel: true, maxCallDepth: 5_000, maxMemoryPages: 65536 };
const FUEL = 2n ** 62n;

interface Scope {
  /** Forms of the .wast wabt cannot read, and the actions on their modules. */
  readonly forms: number;
  /** Commands left out of wast2json's output: modules V8 or the rewrite refuses, and what needs them. */
  readonly commands: number;
  readonly reason: string;
  /** Nothing in the file is in scope. */
  readonly wholeFile?: true;
}

const TYPED_REFS = 'typed function references (ref null $t), (ref func): WebAssembly 3.0';
const CONST_GLOBALS = 'global.get of a non-imported global in a constant expression (WebAssembly 3.0), which Node 20\'s V8 refuses';
/**
 * What of the suite cannot run here, by file: forms Debian's wabt 1.0.32 cannot read, and
 * modules Node 20's V8 refuses, all WebAssembly 3.0 (typed function references, GC-era constant
 * expressions, exception tags, memory64, multiple memories, `module definition`) or newer text
 * syntax, with the actions that need them. romhost meters WebAssembly 2.0 (the rewrite refuses
 * the rest, rewrite-error.ts), so these are out of scope. The counts pin them: a changed wabt,
 * suite or rewrite shows up here. Everything else in each file runs.
 */
const OUT_OF_SCOPE: Readonly<Record<string, Scope>> = {
  'align.wast': { forms: 2, commands: 0, reason: 'assert_invalid with 64-bit offsets (memory64)' },
  'br_if.wast': { forms: 1, commands: 0, reason: `an assert_invalid with ${TYPED_REFS}` },
  'br_table.wast': { forms: 19, commands: 0, reason: `a table and 6 functions with ${TYPED_REFS}, and their 12 assertions` },
  'data.wast': { forms: 0, commands: 2, reason: CONST_GLOBALS },
  'elem.wast': {
    forms: 32,
    commands: 7,
    reason: `tables and segments with ${TYPED_REFS}; ${CONST_GLOBALS}; a table.init of a declarative segment, which binaryen cannot read (REFUSED_BY_REWRITE)`,
  },
  'exports.wast': { forms: 1, commands: 0, reason: 'an assert_invalid with exported tags (exception handling)' },
  'func.wast': { forms: 1, commands: 0, reason: `an assert_invalid with ${TYPED_REFS}` },
  'global.wast': { forms: 8, commands: 5, reason: `a table with ${TYPED_REFS}; ${CONST_GLOBALS}` },
  'if.wast': { forms: 2, commands: 0, reason: 'a folded `if` with two condition instructions, newer text syntax than wabt 1.0.32 reads' },
  'imports.wast': { forms: 10, commands: 4, reason: 'tags (exception handling): exported, imported and unlinkable' },
  'local_tee.wast': { forms: 1, commands: 0, reason: `an assert_invalid with ${TYPED_REFS}` },
  'memory.wast': { forms: 8, commands: 0, reason: '`module definition` and memory64 sizes (WebAssembly 3.0)' },
  'memory_grow.wast': { forms: 59, commands: 4, reason: 'the whole file tests multiple memories (WebAssembly 3.0)', wholeFile: true },
  'select.wast': { forms: 4, commands: 0, reason: `a function (and its 2 assertions) and an assert_invalid with ${TYPED_REFS}` },
  'table.wast': { forms: 33, commands: 0, reason: `tables with ${TYPED_REFS}, table64 and \`module definition\` (WebAssembly 3.0)` },
};

/** Modules (by line) that V8 runs but the rewrite refuses, each with a RewriteError; the test checks it does. */
const REFUSED_BY_REWRITE: Readonly<Record<string, ReadonlyMap<number, string>>> = {
  'elem.wast': new Map([[708, 'binaryen 132 cannot read a table.init of a declarative element segment (it keeps no such segments)']]),
};

// Extended constant expressions, as componentize-qjs guests need them (TOOLCHAINS.md): the
// rewrite reads them, and this process's V8 runs them.
setFlagsFromString('--experimental-wasm-extended-const');

const files = readdirSync(SUITE).filter((f) => f.endsWith('.wast')).sort();
const runs = new Map<string, WastRun & { outOfScope: number }>();

describe('the spec tests keep their results through the rewrite', () => {
  beforeAll(() => {
    const stale = staleness(readIndex(), files);
    if (stale) throw new Error(stale);
  });

  afterAll(() => {
    const rows = [...runs].map(([file, run]) => {
      const total = [...run.counts.values()].reduce((n, c) => n + c.total, 0);
      const rewritten = [...run.counts.values()].reduce((n, c) => n + c.rewritten, 0);
      return `${file.padEnd(26)} ${String(rewritten).padStart(5)}/${String(total).padEnd(5)} text-only ${run.textOnly}, out of scope ${run.outOfScope}`;
    });
    console.log(`spec tests through the rewrite (passed/commands per file):\n${rows.join('\n')}`);
  });

  for (const file of files) {
    it(file, async () => {
      const converted = readConverted(file);
      const rewritten = { mode: 'rewritten', rewrite: (b: Uint8Array) => rewriteCore(b, OPTIONS), options: OPTIONS, fuel: FUEL } as const;
      const run = await runWast(converted, rewritten, REFUSED_BY_REWRITE[file] ?? new Map());
      runs.set(file, { ...run, outOfScope: converted.dropped.length + run.leftOut.length });
      const scope = OUT_OF_SCOPE[file];
      const total = [...run.counts.values()].reduce((n, c) => n + c.total, 0);
      if (!scope?.wholeFile) expect(total, `${file}: no command could run`).toBeGreaterThan(0);
      expect(run.failures).toEqual([]);
      expect(
        converted.dropped.map((d) => `${d.line} ${d.head}: ${d.reason}`),
        `${file}: forms left out (expected: ${scope?.reason ?? 'none'})`,
      ).toHaveLength(scope?.forms ?? 0);
      expect(
        run.leftOut.map((l) => `${l.line} ${l.kind}: ${l.reason}`),
        `${file}: commands left out (expected: ${scope?.reason ?? 'none'})`,
      ).toHaveLength(scope?.commands ?? 0);
    });
  }
});
