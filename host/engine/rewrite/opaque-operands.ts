import { cFunction, type BinaryenApi } from './binaryen.js';

/**
 * binaryen.js 132 has no accessors for the operands of `table.fill`, `table.copy` and
 * `table.init` (its C API stops at their ids), yet a walker that cannot see into them could let
 * a loop inside an operand run unmetered. Their operands are plain `Expression*` fields of
 * binaryen's C++ structs, so this module finds where: it reads a probe module whose operands are
 * constants with known values and looks for pointers to them in each struct's first words. The
 * result is checked, never assumed: if the probe does not find every operand exactly once, the
 * kinds stay refused, with that reason.
 */

/** (module (table 1 funcref) (elem func) (func
 *    (table.fill 0 (i32.const 101) (ref.null func) (i32.const 303))
 *    (table.copy 0 0 (i32.const 101) (i32.const 202) (i32.const 303))
 *    (table.init 0 0 (i32.const 101) (i32.const 202) (i32.const 303)))) */
const PROBE = Uint8Array.from(
  Buffer.from(
    '0061736d01000000010401600000030201000404017000010904010100000a2901270041e500d07041af02fc1100' +
      '41e50041ca0141af02fc0e000041e50041ca0141af02fc0c00000b',
    'hex',
  ),
);

/** The probe's operands, in evaluation order, by the constant each one is (null: `ref.null`). */
const PROBED = [
  ['TableFill', [101, null, 303]],
  ['TableCopy', [101, 202, 303]],
  ['TableInit', [101, 202, 303]],
] as const;

export type OpaqueKind = (typeof PROBED)[number][0];

/** Byte offsets of each kind's operand pointers inside its struct, or why they are unknown. */
export type OperandOffsets = ReadonlyMap<OpaqueKind, readonly number[]> | { readonly unknown: string };

/** How far into a struct to look: the ids, type and names come first, the operands within 64 bytes. */
const SEARCH_BYTES = 64;

export function findOperandOffsets(b: BinaryenApi, features: number): OperandOffsets {
  const getId = cFunction(b, '_BinaryenExpressionGetId');
  const constId = cFunction(b, '_BinaryenConstId')();
  const refNullId = cFunction(b, '_BinaryenRefNullId')();
  const constValue = cFunction(b, '_BinaryenConstGetValueI32');
  /** What the word at `address` points to, if it is one of the probe's operands. */
  const operandAt = (address: number): number | null | undefined => {
    try {
      const pointer = b.__i32_load(address) >>> 0;
      if (pointer === 0 || pointer % 4 !== 0) return undefined;
      const id = getId(pointer);
      if (id === refNullId) return null;
      return id === constId ? constValue(pointer) : undefined;
    } catch {
      return undefined; // not a pointer into binaryen's memory
    }
  };
  const module = b.readBinary(PROBE, features);
  try {
    const body = cFunction(b, '_BinaryenFunctionGetBody')(module.getFunctionByIndex(0));
    const offsets = new Map<OpaqueKind, number[]>();
    for (const [index, [kind, operands]] of PROBED.entries()) {
      const expression = cFunction(b, '_BinaryenBlockGetChildAt')(body, index);
      if (getId(expression) !== cFunction(b, `_Binaryen${kind}Id`)()) return { unknown: `the probe's ${kind} did not read back as one` };
      const found: number[] = [];
      for (const operand of operands) {
        const at: number[] = [];
        for (let offset = 4; offset < SEARCH_BYTES; offset += 4) {
          if (operandAt(expression + offset) === operand) at.push(offset);
        }
        if (at.length !== 1) return { unknown: `the operands of ${kind} are not where binaryen 132 keeps them` };
        found.push(at[0]!);
      }
      offsets.set(kind, found);
    }
    return offsets;
  } finally {
    module.dispose();
  }
}
