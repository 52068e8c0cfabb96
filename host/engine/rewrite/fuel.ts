import type Binaryen from 'binaryen';
import { cFunction, i64Const, type BinaryenApi } from './binaryen.js';
import type { ExpressionKinds } from './expression-kinds.js';
import { definedFunctions } from './functions.js';

/**
 * Fuel metering: every function entry, loop head, branch target and `if` arm subtracts from the
 * fuel global the cost of the code it starts (one unit per instruction up to the next such point,
 * nested loops and arms excluded) and traps (`unreachable`) once the fuel is below zero. The
 * charges are constants fixed by the module's code, so the same run traps at the same
 * instruction on every replay. Every loop iteration and every call costs at least one unit, so
 * no code runs forever.
 *
 * A region that costs little (an `if` arm, the code after a branch target) is charged up front
 * with the region around it rather than paying for a check of its own: it over-charges by at most
 * that much when the region is skipped.
 */
const MERGE_AT_MOST = 4;

interface Region {
  cost: number;
}

type Work = { readonly expr: number; readonly region: Region } | (() => void);

export function meterFuel(b: BinaryenApi, module: Binaryen.Module, kinds: ExpressionKinds, fuel: string): void {
  const c = {
    getId: cFunction(b, '_BinaryenExpressionGetId'),
    blockName: cFunction(b, '_BinaryenBlockGetName'),
    blockSize: cFunction(b, '_BinaryenBlockGetNumChildren'),
    blockChild: cFunction(b, '_BinaryenBlockGetChildAt'),
    blockInsert: cFunction(b, '_BinaryenBlockInsertChildAt'),
    loopBody: cFunction(b, '_BinaryenLoopGetBody'),
    setLoopBody: cFunction(b, '_BinaryenLoopSetBody'),
    condition: cFunction(b, '_BinaryenIfGetCondition'),
    arms: [
      [cFunction(b, '_BinaryenIfGetIfTrue'), cFunction(b, '_BinaryenIfSetIfTrue')],
      [cFunction(b, '_BinaryenIfGetIfFalse'), cFunction(b, '_BinaryenIfSetIfFalse')],
    ] as const,
  };
  const id = { block: kinds.id('Block'), loop: kinds.id('Loop'), if: kinds.id('If') };
  /** Subtract `cost`, trap below zero: two statements, fresh each time (binaryen's IR is a tree). */
  const charge = (cost: number): number[] => [
    module.global.set(fuel, module.i64.sub(module.global.get(fuel, b.i64), i64Const(module, BigInt(cost)))),
    module.if(module.i64.lt_s(module.global.get(fuel, b.i64), i64Const(module, 0n)), module.unreachable()),
  ];
  const charged = (cost: number, expr: number) => module.block(null, [...charge(Math.max(cost, 1)), expr], b.auto);

  for (const { func, name, body } of definedFunctions(b, module)) {
    // The call itself costs one unit.
    const entry: Region = { cost: 1 };
    const work: Work[] = [{ expr: body, region: entry }];
    while (work.length > 0) {
      const item = work.pop()!;
      if (typeof item === 'function') {
        item();
        continue;
      }
      const { expr, region } = item;
      const kind = c.getId(expr);
      if (kind === id.block) visitBlock(expr, region, work);
      else if (kind === id.loop) visitLoop(expr, region, work);
      else if (kind === id.if) visitIf(expr, region, work);
      else {
        region.cost += 1;
        for (const slot of kinds.operands(expr, name)) work.push({ expr: slot.expr, region });
      }
    }
    b.Function.setBody(func, charged(entry.cost, body));
  }

  /** A branch target's end starts a region: the code after a named block runs only when reached. */
  function visitBlock(block: number, region: Region, work: Work[]): void {
    const size = c.blockSize(block);
    const visits: Work[] = [];
    const starts: { index: number; region: Region; before: Region }[] = [];
    let current = region;
    for (let i = 0; i < size; i++) {
      const child = c.blockChild(block, i);
      visits.push({ expr: child, region: current });
      if (i < size - 1 && c.getId(child) === id.block && c.blockName(child) !== 0) {
        const next: Region = { cost: 0 };
        starts.push({ index: i + 1, region: next, before: current });
        current = next;
      }
    }
    if (starts.length > 0) {
      // Last region first: it may merge into the one before, and inserting there moves no earlier index.
      work.push(() => {
        for (const start of starts.reverse()) {
          if (start.region.cost <= MERGE_AT_MOST) start.before.cost += start.region.cost;
          else for (const statement of charge(start.region.cost).reverse()) c.blockInsert(block, start.index, statement);
        }
      });
    }
    work.push(...visits.reverse());
  }

  function visitLoop(loop: number, region: Region, work: Work[]): void {
    region.cost += 1;
    const body: Region = { cost: 0 };
    work.push(() => void c.setLoopBody(loop, charged(body.cost, c.loopBody(loop))));
    work.push({ expr: c.loopBody(loop), region: body });
  }

  function visitIf(ifExpr: number, region: Region, work: Work[]): void {
    region.cost += 1;
    for (const [get, set] of c.arms) {
      const arm = get(ifExpr);
      if (!arm) continue;
      const own: Region = { cost: 0 };
      work.push(() => {
        if (own.cost <= MERGE_AT_MOST) region.cost += own.cost;
        else set(ifExpr, charged(own.cost, get(ifExpr)));
      });
      work.push({ expr: arm, region: own });
    }
    work.push({ expr: c.condition(ifExpr), region });
  }
}
