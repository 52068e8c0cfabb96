import type Binaryen from 'binaryen';
import { cFunction, type BinaryenApi } from './binaryen.js';
import type { ExpressionKinds } from './expression-kinds.js';
import { definedFunctions, findAll } from './functions.js';

/**
 * A call-depth counter: every function entry adds its weight to the depth global and traps
 * (`unreachable`) above `max`; every exit, by falling off the end or by `return`, takes it back.
 * V8's own stack overflow comes at a depth that depends on frame sizes and tiers; this one comes
 * at the same call on every run. (A trap leaves the counter as it was: the host resets it before
 * each call.)
 *
 * A call weighs 1, plus 1 for every 8 parameters and locals: V8's frames grow by about 8 bytes a
 * local (~55 bytes for a small one), so a frame with a thousand locals, which would overflow V8's
 * stack in a hundred calls, counts as 130 and the counter still comes first.
 */
const LOCALS_PER_UNIT = 8;

export function countCallDepth(
  b: BinaryenApi,
  module: Binaryen.Module,
  kinds: ExpressionKinds,
  depth: string,
  max: number,
): void {
  const c = {
    getType: cFunction(b, '_BinaryenExpressionGetType'),
    returnValue: cFunction(b, '_BinaryenReturnGetValue'),
    setReturnValue: cFunction(b, '_BinaryenReturnSetValue'),
    results: cFunction(b, '_BinaryenFunctionGetResults'),
    params: cFunction(b, '_BinaryenFunctionGetParams'),
    vars: cFunction(b, '_BinaryenFunctionGetNumVars'),
    addVar: cFunction(b, '_BinaryenFunctionAddVar'),
  };
  const returnId = kinds.id('Return');
  const get = () => module.global.get(depth, b.i32);
  const enter = (weight: number) => [
    module.global.set(depth, module.i32.add(get(), module.i32.const(weight))),
    module.if(module.i32.gt_u(get(), module.i32.const(max)), module.unreachable()),
  ];

  for (const fn of definedFunctions(b, module)) {
    const { func } = fn;
    const results = c.results(func);
    const weight = 1 + Math.floor((b.expandType(c.params(func)).length + c.vars(func)) / LOCALS_PER_UNIT);
    const leave = () => module.global.set(depth, module.i32.sub(get(), module.i32.const(weight)));
    /** One local holds the results on their way out; added on first need. */
    let local: number | undefined;
    const resultLocal = () => (local ??= c.addVar(func, results));

    const tree = findAll(b, kinds, fn, returnId);
    // Innermost first: a return inside another's value is replaced before that value moves.
    for (const slot of tree.found.reverse()) {
      const ret = slot.expr;
      const value = c.returnValue(ret);
      if (!value) {
        slot.set(module.block(null, [leave(), ret], b.auto));
      } else if (c.getType(value) !== b.unreachable) {
        // The value is computed (its calls count their own depth) before this frame is left.
        c.setReturnValue(ret, module.local.get(resultLocal(), results));
        slot.set(module.block(null, [module.local.set(resultLocal(), value), leave(), ret], b.auto));
      }
    }

    const root = tree.root;
    let wrapped: number;
    if (results === b.none) wrapped = module.block(null, [...enter(weight), root, leave()], b.auto);
    else if (c.getType(root) === b.unreachable) wrapped = module.block(null, [...enter(weight), root], b.auto);
    else {
      wrapped = module.block(
        null,
        [...enter(weight), module.local.set(resultLocal(), root), leave(), module.local.get(resultLocal(), results)],
        b.auto,
      );
    }
    b.Function.setBody(func, wrapped);
  }
}
