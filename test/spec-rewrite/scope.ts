import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from './commands.js';
import type { Converted } from './wast-to-json.js';

/** Why a command of a converted script is left out of both runs. */
export interface LeftOut {
  /**
   * `engine`: Node 20's V8 cannot compile the module; `cut`: what wabt could read of it is not
   * valid; `rewrite`: listed as refused by the rewrite; `depends`: needs a module left out.
   */
  readonly kind: 'engine' | 'cut' | 'rewrite' | 'depends';
  readonly reason: string;
}

/**
 * The commands that cannot run here, and the commands that need them: modules V8 refuses
 * (WebAssembly 3.0 it does not have), modules the test lists as refused by the rewrite, and
 * every action, registration and import that would use one of those, or a module or export
 * that a left-out form of the .wast defined (`lost`).
 */
export function leftOut(
  commands: readonly Command[],
  dir: string,
  lost: Pick<Converted, 'unregistered' | 'unexported' | 'cut'>,
  refusedByRewrite: ReadonlyMap<number, string>,
): Map<number, LeftOut> {
  const out = new Map<number, LeftOut>();
  const unavailable = new Set(lost.unregistered);
  const named = new Map<string, string>();
  let current: string | undefined;
  const depends = (why: string): LeftOut => ({ kind: 'depends', reason: `uses a module left out (${why})` });

  const moduleProblem = (filename: string, line: number): LeftOut | undefined => {
    const refused = refusedByRewrite.get(line);
    if (refused !== undefined) return { kind: 'rewrite', reason: refused };
    const bytes = readFileSync(join(dir, filename));
    let module: WebAssembly.Module;
    try {
      module = new WebAssembly.Module(bytes);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (lost.cut.has(line)) return { kind: 'cut', reason: `what is left of it without the fields wabt cannot read is invalid: ${message}` };
      return { kind: 'engine', reason: `Node 20's V8 refuses it: ${message}` };
    }
    for (const i of WebAssembly.Module.imports(module)) {
      if (unavailable.has(i.module)) return { kind: 'depends', reason: `imports from "${i.module}", registered by a module left out` };
      if (lost.unexported.get(i.module)?.has(i.name)) {
        return { kind: 'depends', reason: `imports "${i.module}" "${i.name}", an export left out with its field` };
      }
    }
    return undefined;
  };

  for (const [index, command] of commands.entries()) {
    let problem: LeftOut | undefined;
    switch (command.type) {
      case 'module':
        problem = moduleProblem(command.filename, command.line);
        current = problem && `line ${command.line}`;
        if (command.name !== undefined) problem ? named.set(command.name, `line ${command.line}`) : named.delete(command.name);
        break;
      case 'assert_unlinkable':
      case 'assert_uninstantiable':
        if (command.module_type === 'binary') problem = moduleProblem(command.filename, command.line);
        break;
      case 'register': {
        const why = command.name !== undefined ? named.get(command.name) : current;
        if (why !== undefined) {
          problem = depends(why);
          unavailable.add(command.as);
        }
        break;
      }
      case 'action':
      case 'assert_return':
      case 'assert_trap':
      case 'assert_exhaustion': {
        const why = command.action.module !== undefined ? named.get(command.action.module) : current;
        if (why !== undefined) problem = depends(why);
        break;
      }
      case 'assert_invalid':
      case 'assert_malformed':
        break;
    }
    if (problem) out.set(index, problem);
  }
  return out;
}
