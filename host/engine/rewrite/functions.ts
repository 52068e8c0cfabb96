import type Binaryen from 'binaryen';
import { cFunction, type BinaryenApi } from './binaryen.js';
import type { ExpressionKinds, Slot } from './expression-kinds.js';

export interface DefinedFunction {
  readonly func: number;
  /** binaryen's name for it (its index, unless the module kept names): for messages. */
  readonly name: string;
  readonly body: number;
}

/** The functions the module defines (imported ones have no body), in index order. */
export function* definedFunctions(b: BinaryenApi, module: Binaryen.Module): Generator<DefinedFunction> {
  const getBody = cFunction(b, '_BinaryenFunctionGetBody');
  const count = module.getNumFunctions();
  for (let i = 0; i < count; i++) {
    const func = module.getFunctionByIndex(i);
    const body = getBody(func);
    if (body) yield { func, name: b.Function.getName(func), body };
  }
}

/** A global name the module does not use yet, close to `wanted`. */
export function freshGlobalName(module: Binaryen.Module, wanted: string): string {
  return fresh(wanted, (name) => module.getGlobal(name) !== 0);
}

/** A function name the module does not use yet, close to `wanted`. */
export function freshFunctionName(module: Binaryen.Module, wanted: string): string {
  return fresh(wanted, (name) => module.getFunction(name) !== 0);
}

function fresh(wanted: string, taken: (name: string) => boolean): string {
  let name = wanted;
  for (let n = 1; taken(name); n++) name = `${wanted}_${n}`;
  return name;
}

/** A function's body, as the replacements of its `found` expressions leave it. */
export interface Found {
  /** The body: a slot's `set` replaces it when the expression found is the body itself. */
  root: number;
  /** The expressions of the kind looked for, parents before their operands. */
  readonly found: Slot[];
}

/** Every expression of the kinds `ids` in `fn`'s body (walking them all refuses a kind not metered). */
export function findAll(b: BinaryenApi, kinds: ExpressionKinds, fn: DefinedFunction, ...ids: number[]): Found {
  const getId = cFunction(b, '_BinaryenExpressionGetId');
  const tree: Found = { root: fn.body, found: [] };
  const work: Slot[] = [{ expr: fn.body, get: () => tree.root, set: (e) => (tree.root = e) }];
  while (work.length > 0) {
    const slot = work.pop()!;
    if (ids.includes(getId(slot.expr))) tree.found.push(slot);
    work.push(...kinds.operands(slot.expr, fn.name));
  }
  return tree;
}
