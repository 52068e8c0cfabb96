import type Binaryen from 'binaryen';
import { cFunction, type BinaryenApi } from './binaryen.js';
import type { ExpressionKinds } from './expression-kinds.js';
import { definedFunctions, findAll, freshFunctionName } from './functions.js';
import { RESET_EXPORT } from './names.js';

/**
 * The kinds that read or change what instantiation sets up besides memory and globals: segments
 * (passive ones, and dropping any) and tables. A module that uses none of them has, after
 * instantiation, no state but its memory and its globals: tables keep what their active element
 * segments put in them, and no segment is ever read again.
 */
const SETUP_KINDS = ['MemoryInit', 'DataDrop', 'TableSet', 'TableGrow', 'TableFill', 'TableCopy', 'TableInit', 'ElemDrop'] as const;

/**
 * Adds the export `romhost_reset`: it sets every global the module defines and may change back to
 * its initial value (its own init expression, so a `ref.func` names this instance's function). With
 * it, the host can make a used instance as it was when new: memory as instantiation left it, then
 * this (README.md, "Reusable instances"). Runs after the other passes: it is the host's bookkeeping,
 * metered by nothing. Says why not, instead, when the module has state it cannot restore.
 */
export function addReset(b: BinaryenApi, module: Binaryen.Module, kinds: ExpressionKinds, startStays: boolean): string | undefined {
  // A start function that runs inside instantiation could not run again (with fuel it is an export).
  if (startStays && module.getStart()) return 'it has a start function';
  const getId = cFunction(b, '_BinaryenExpressionGetId');
  const setup = SETUP_KINDS.map((kind) => cFunction(b, `_Binaryen${kind}Id`)());
  for (const fn of definedFunctions(b, module)) {
    const [found] = findAll(b, kinds, fn, ...setup).found;
    if (found) return `function ${fn.name} uses ${kinds.name(getId(found.expr))}`;
  }
  const sets: number[] = [];
  for (let i = 0; i < module.getNumGlobals(); i++) {
    const global = b.getGlobalInfo(module.getGlobalByIndex(i));
    if (global.module || !global.mutable) continue;
    sets.push(module.global.set(global.name, module.copyExpression(global.init)));
  }
  const name = freshFunctionName(module, RESET_EXPORT);
  module.addFunction(name, b.none, b.none, [], module.block(null, sets, b.none));
  module.addFunctionExport(name, RESET_EXPORT);
  return undefined;
}
