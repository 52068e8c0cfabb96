import type Binaryen from 'binaryen';
import { cFunction, type BinaryenApi } from './binaryen.js';
import type { ExpressionKinds } from './expression-kinds.js';
import { definedFunctions, findAll } from './functions.js';

/**
 * Failed grows, recorded: every `memory.grow` becomes
 *
 *     (block (result i32)
 *       (local.set $t (memory.grow <delta>))
 *       (if (i32.eq (local.get $t) (i32.const -1)) (then (global.set $failed (i32.const 1))))
 *       (local.get $t))
 *
 * so that the host can tell, after a trap, that a grow met the memory cap before it (the guest's
 * allocator usually traps soon after), however far below the cap the memory's size stayed. The
 * grow's result is unchanged: the same i32, its delta evaluated once. A grow whose delta never
 * yields a value (type `unreachable`) never grows and is left alone. The flag is never cleared
 * here: the host does it before each call.
 *
 * It runs after the fuel pass: the added code has no loop and no call, and costs the guest nothing.
 */
export function flagFailedGrows(b: BinaryenApi, module: Binaryen.Module, kinds: ExpressionKinds, flag: string): void {
  const getType = cFunction(b, '_BinaryenExpressionGetType');
  const addVar = cFunction(b, '_BinaryenFunctionAddVar');
  const growId = kinds.id('MemoryGrow');
  const m = module;

  for (const fn of definedFunctions(b, module)) {
    const tree = findAll(b, kinds, fn, growId);
    /** One local holds a grow's result while it is tested; a nested grow is done with it before. */
    let local: number | undefined;
    for (const slot of tree.found.reverse()) {
      const grow = slot.get();
      if (getType(grow) !== b.i32) continue;
      local ??= addVar(fn.func, b.i32);
      const result = () => m.local.get(local!, b.i32);
      const failed = m.i32.eq(result(), m.i32.const(-1));
      slot.set(m.block(null, [m.local.set(local, grow), m.if(failed, m.global.set(flag, m.i32.const(1))), result()], b.i32));
    }
    if (tree.root !== fn.body) b.Function.setBody(fn.func, tree.root);
  }
}
