import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from './commands.js';
import { wastForms, withoutForms, type WastForm } from './wast-forms.js';

/** A form of the script left out because Debian's wabt 1.0.32 cannot read it, and why. */
export interface Dropped {
  readonly line: number;
  /** `module`, `assert_invalid`, ... or `module func` for one field of a module. */
  readonly head: string;
  readonly reason: string;
}

export interface Converted {
  /** wast2json's commands; their `filename`s are in `dir`. */
  readonly commands: readonly Command[];
  readonly dir: string;
  readonly dropped: readonly Dropped[];
  /** Names a left-out `register` would have given: modules importing from them are out of scope too. */
  readonly unregistered: ReadonlySet<string>;
  /** By registered name, the exports its module lost with a field left out: importing them is out of scope too. */
  readonly unexported: ReadonlyMap<string, ReadonlySet<string>>;
  /** Lines of the modules that lost fields: what is left of one may not be valid. */
  readonly cut: ReadonlySet<number>;
}

const ACTIONS = new Set(['assert_return', 'assert_trap', 'assert_exhaustion', 'invoke', 'get', 'register']);
const STRING = '"((?:[^"\\\\]|\\\\.)*)"';
/** An action that names its module (`(invoke $M "f")`, `(register "m" $M)`) does not use the current one. */
const NAMES_MODULE = new RegExp(`^\\(\\s*(?:register\\s+${STRING}\\s+\\$|(?:assert_\\w+\\s+\\()?\\s*(?:invoke|get)\\s+\\$)`);
const ACTION_FIELD = new RegExp(`\\(\\s*(?:invoke|get)\\s+(?:\\$[^\\s()]+\\s+)?${STRING}`);
const EXPORT = new RegExp(`\\(\\s*export\\s+${STRING}`, 'g');
const REGISTER_MODULE = new RegExp(`^\\(\\s*register\\s+${STRING}\\s*(\\$[^\\s()]+)?`);

/**
 * Runs `wast2json` (Debian's wabt 1.0.32) on a .wast file, into `dir`. Only generate.ts runs it:
 * the test reads its committed output (generated.ts). The suite is newer than
 * that wabt: what it cannot read (WebAssembly 3.0 syntax: typed references, GC, exceptions,
 * memory64, multiple memories, `module definition`, ...) is left out, each with wabt's error:
 * within a module, only the field it is in, with the actions on that field's exports; elsewhere
 * the whole form, and for a module the actions that would run against it.
 */
export function wastToJson(file: string, dir: string): Converted {
  const text = readFileSync(file, 'utf8');
  const forms = wastForms(text);
  /** Left-out forms by their start: a module's fields are found afresh each time. */
  const dropped = new Map<number, { form: WastForm; reason: string }>();
  const drop = (form: WastForm, reason: string) => void dropped.set(form.start, { form, reason });
  const isDropped = (form: WastForm) => dropped.has(form.start);
  /** Exports lost with left-out fields, by the index of their module's form. */
  const lostExports = new Map<number, Set<string>>();
  const cut = new Set<number>();
  const name = basename(file, '.wast');
  for (let attempt = 0; attempt < 200; attempt++) {
    writeFileSync(join(dir, `${name}.wast`), withoutForms(text, [...dropped.values()].map((d) => d.form)));
    const run = spawnSync('wast2json', [`${name}.wast`, '-o', `${name}.json`], { cwd: dir, encoding: 'utf8' });
    if (run.error) {
      throw new Error(`cannot run wast2json (${run.error.message}): install Debian's wabt 1.0.32 with \`apt-get install wabt\``);
    }
    if (run.status === 0) {
      const json = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { commands: Command[] };
      const list = [...dropped.values()].map(({ form, reason }) => ({ line: form.line, head: forms.includes(form) ? form.head : `module ${form.head}`, reason }));
      const unregistered = new Set([...dropped.values()].map((d) => REGISTER_MODULE.exec(source(d.form))?.[1]).filter((n) => n !== undefined));
      return { commands: json.commands, dir, dropped: list.sort((a, b) => a.line - b.line), unregistered, unexported: unexported(), cut };
    }
    // The first error only: wabt's parser, once lost, reports errors in forms that are fine.
    const error = /^[^\n]*?:(\d+):\d+: error: ([^\n]*)$/m.exec(run.stderr);
    const line = Number(error?.[1]);
    const index = forms.findIndex((f) => f.line <= line && line <= f.endLine);
    const form = forms[index];
    if (!error || !form || isDropped(form)) throw new Error(`wast2json ${file} fails outside any form it could leave out:\n${run.stderr}`);
    const reason = `wabt 1.0.32: ${error[2]}`;
    const field = form.head === 'module' ? fieldAt(form, line) : undefined;
    if (field && !isDropped(field)) {
      drop(field, reason);
      cut.add(form.line);
      const exports = new Set([...source(field).matchAll(EXPORT)].map((m) => m[1]!));
      for (const e of exports) lostExports.set(index, (lostExports.get(index) ?? new Set()).add(e));
      dropActions(index, (action) => exports.has(ACTION_FIELD.exec(action)?.[1] ?? ''), `calls an export of a field left out of the module of line ${form.line}`);
    } else {
      // Not in a field, or in one left out already: the whole form goes.
      drop(form, reason);
      if (form.head === 'module') dropActions(index, () => true, `uses the module of line ${form.line}, left out`);
    }
  }
  throw new Error(`wast2json ${file}: still failing after leaving out ${dropped.size} forms`);

  /** What each kept `register` of a module with lost exports registers without them. */
  function unexported(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    let current = -1;
    const named = new Map<string, number>();
    for (const [index, form] of forms.entries()) {
      if (isDropped(form)) continue;
      if (form.head === 'module') {
        current = index;
        if (form.name !== undefined) named.set(form.name, index);
      }
      const register = REGISTER_MODULE.exec(source(form));
      if (!register) continue;
      const lost = lostExports.get(register[2] !== undefined ? (named.get(register[2]) ?? -1) : current);
      if (lost) out.set(register[1]!, lost);
    }
    return out;
  }

  function source(form: WastForm): string {
    return text.slice(form.start, form.end);
  }

  /** The field of a text module that holds `line` (undefined for `module binary` / `quote`). */
  function fieldAt(module: WastForm, line: number): WastForm | undefined {
    return wastForms(text, module.start + 1, module.end - 1, module.line).find((f) => f.line <= line && line <= f.endLine);
  }

  /** Leaves out the actions after the module at `index` that run against it and match. */
  function dropActions(index: number, matches: (action: string) => boolean, reason: string): void {
    for (const next of forms.slice(index + 1)) {
      if (next.head === 'module') break;
      const action = source(next);
      if (ACTIONS.has(next.head) && !NAMES_MODULE.test(action) && !isDropped(next) && matches(action)) drop(next, reason);
    }
  }
}
