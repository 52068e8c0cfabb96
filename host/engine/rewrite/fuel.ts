import type Binaryen from 'binaryen';
import { cFunction, type BinaryenApi } from './binaryen.js';
import type { ExpressionKinds, Slot } from './expression-kinds.js';
import { FuelLocal } from './fuel-local.js';
import { definedFunctions } from './functions.js';

/**
 * Fuel metering: every function entry, loop head, branch target and `if` arm subtracts from the
 * fuel the cost of the code it starts (one unit per instruction up to the next such point,
 * nested loops and arms excluded) and traps (`unreachable`) once the fuel is below zero. The
 * charges are constants fixed by the module's code, so the same run traps at the same
 * instruction on every replay. Every loop iteration and every call costs at least one unit, so
 * no code runs forever. Within a function the fuel lives in a local (fuel-local.ts).
 *
 * A region that costs little (an `if` arm, the code after a branch target) is charged up front
 * with the region around it rather than paying for a check of its own: it over-charges by at most
 * that much when the region is skipped.
 */
const MERGE_AT_MOST = 4;

interface Region {
  cost: number;
}

type Work = { readonly slot: Slot; readonly region: Region } | (() => void);

export function meterFuel(b: BinaryenApi, module: Binaryen.Module, kinds: ExpressionKinds, fuel: string): void {
  const c = {
    getId: cFunction(b, '_BinaryenExpressionGetId'),
    results: cFunction(b, '_BinaryenFunctionGetResults'),
    blockName: cFunction(b, '_BinaryenBlockGetName'),
    blockSize: cFunction(b, '_BinaryenBlockGetNumChildren'),
    blockChild: cFunction(b, '_BinaryenBlockGetChildAt'),
    setBlockChild: cFunction(b, '_BinaryenBlockSetChildAt'),
    blockInsert: cFunction(b, '_BinaryenBlockInsertChildAt'),
    loopBody: cFunction(b, '_BinaryenLoopGetBody'),
    setLoopBody: cFunction(b, '_BinaryenLoopSetBody'),
    condition: cFunction(b, '_BinaryenIfGetCondition'),
    setCondition: cFunction(b, '_BinaryenIfSetCondition'),
    arms: [
      [cFunction(b, '_BinaryenIfGetIfTrue'), cFunction(b, '_BinaryenIfSetIfTrue')],
      [cFunction(b, '_BinaryenIfGetIfFalse'), cFunction(b, '_BinaryenIfSetIfFalse')],
    ] as const,
  };
  const id = {
    block: kinds.id('Block'),
    loop: kinds.id('Loop'),
    if: kinds.id('If'),
    call: kinds.id('Call'),
    callIndirect: kinds.id('CallIndirect'),
    return: kinds.id('Return'),
  };

  for (const { func, name, body } of definedFunctions(b, module)) {
    const local = new FuelLocal(b, module, func, fuel);
    const charged = (cost: number, expr: number) => module.block(null, [...local.charge(Math.max(cost, 1)), expr], b.auto);
    // The call itself costs one unit.
    const entry: Region = { cost: 1 };
    let root = body;
    const work: Work[] = [{ slot: { expr: body, get: () => root, set: (e) => (root = e) }, region: entry }];
    while (work.length > 0) {
      const item = work.pop()!;
      if (typeof item === 'function') {
        item();
        continue;
      }
      const { slot, region } = item;
      const kind = c.getId(slot.expr);
      if (kind === id.block) visitBlock(slot.expr, region, work);
      else if (kind === id.loop) visitLoop(slot.expr, region, work);
      else if (kind === id.if) visitIf(slot.expr, region, work);
      else {
        region.cost += 1;
        const operands = kinds.operands(slot.expr, name);
        // After the operands: a call or return is wrapped to keep the global up to date.
        if (kind === id.call || kind === id.callIndirect) work.push(() => slot.set(local.call(slot.expr, operands.at(-1))));
        else if (kind === id.return) work.push(() => slot.set(local.return(slot.expr)));
        for (const operand of operands) work.push({ slot: operand, region });
      }
    }
    b.Function.setBody(func, local.body(root, local.charge(entry.cost), c.results(func)));

    /** A branch target's end starts a region: the code after a named block runs only when reached. */
    function visitBlock(block: number, region: Region, work: Work[]): void {
      const size = c.blockSize(block);
      const visits: Work[] = [];
      const starts: { index: number; region: Region; before: Region }[] = [];
      let current = region;
      for (let i = 0; i < size; i++) {
        const child = c.blockChild(block, i);
        const slot: Slot = { expr: child, get: () => c.blockChild(block, i), set: (e) => void c.setBlockChild(block, i, e) };
        visits.push({ slot, region: current });
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
            else for (const statement of local.charge(start.region.cost).reverse()) c.blockInsert(block, start.index, statement);
          }
        });
      }
      work.push(...visits.reverse());
    }

    function visitLoop(loop: number, region: Region, work: Work[]): void {
      region.cost += 1;
      const body: Region = { cost: 0 };
      work.push(() => void c.setLoopBody(loop, charged(body.cost, c.loopBody(loop))));
      const slot: Slot = { expr: c.loopBody(loop), get: () => c.loopBody(loop), set: (e) => void c.setLoopBody(loop, e) };
      work.push({ slot, region: body });
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
        work.push({ slot: { expr: arm, get: () => get(ifExpr), set: (e) => void set(ifExpr, e) }, region: own });
      }
      const condition: Slot = { expr: c.condition(ifExpr), get: () => c.condition(ifExpr), set: (e) => void c.setCondition(ifExpr, e) };
      work.push({ slot: condition, region });
    }
  }
}
