import { cFunction, type BinaryenApi, type CFunction } from './binaryen.js';
import { findOperandOffsets, type OpaqueKind } from './opaque-operands.js';
import { refuse } from './rewrite-error.js';

/**
 * Every expression kind binaryen 132 knows, and how to reach its operands. binaryen.js has no
 * generic walker, so this table is the walker's knowledge: a kind missing here, or refused, makes
 * the whole module refused. Nothing may run unmetered.
 */

/** An operand `Get`/`Set` pair (`Value` → `_Binaryen<Kind>GetValue`), or a list of them. */
type Operand = string | { readonly count: string; readonly at: string };
const list = (count: string, at: string): Operand => ({ count, at });

/** Kinds the rewrite walks, with their operands in evaluation order. */
const WALKED = {
  Nop: [],
  Block: [list('NumChildren', 'ChildAt')],
  If: ['Condition', 'IfTrue', 'IfFalse'],
  Loop: ['Body'],
  Break: ['Value', 'Condition'],
  Switch: ['Value', 'Condition'],
  Call: [list('NumOperands', 'OperandAt')],
  CallIndirect: [list('NumOperands', 'OperandAt'), 'Target'],
  LocalGet: [],
  LocalSet: ['Value'],
  GlobalGet: [],
  GlobalSet: ['Value'],
  Load: ['Ptr'],
  Store: ['Ptr', 'Value'],
  Const: [],
  Unary: ['Value'],
  Binary: ['Left', 'Right'],
  Select: ['IfTrue', 'IfFalse', 'Condition'],
  Drop: ['Value'],
  Return: ['Value'],
  MemorySize: [],
  MemoryGrow: ['Delta'],
  Unreachable: [],
  SIMDExtract: ['Vec'],
  SIMDReplace: ['Vec', 'Value'],
  SIMDShuffle: ['Left', 'Right'],
  SIMDTernary: ['A', 'B', 'C'],
  SIMDShift: ['Vec', 'Shift'],
  SIMDLoad: ['Ptr'],
  SIMDLoadStoreLane: ['Ptr', 'Vec'],
  MemoryInit: ['Dest', 'Offset', 'Size'],
  DataDrop: [],
  MemoryCopy: ['Dest', 'Source', 'Size'],
  MemoryFill: ['Dest', 'Value', 'Size'],
  RefNull: [],
  RefIsNull: ['Value'],
  RefFunc: [],
  TableGet: ['Index'],
  TableSet: ['Index', 'Value'],
  TableSize: [],
  TableGrow: ['Value', 'Delta'],
  ElemDrop: [],
  TupleMake: [list('NumOperands', 'OperandAt')],
  TupleExtract: ['Tuple'],
} satisfies Record<string, readonly Operand[]>;

/** Kinds whose operands binaryen.js does not expose: opaque-operands.ts finds them. */
const OPAQUE: readonly OpaqueKind[] = ['TableFill', 'TableCopy', 'TableInit'];

/**
 * Kinds refused, by reason. binaryen's reader does not hold every kind to the feature mask (it
 * reads `atomic.fence` without threads): this table is the lock.
 */
const REFUSED: readonly (readonly [reason: string, kinds: readonly string[]])[] = [
  ['not an expression', ['Invalid']],
  [
    'threads: shared memory and atomics are not metered',
    ['AtomicRMW', 'AtomicCmpxchg', 'AtomicWait', 'AtomicNotify', 'AtomicFence', 'Pause', 'StructWait', 'WaitqueueNew', 'WaitqueueNotify'],
  ],
  [
    'exception handling: unwinding would skip the call-depth bookkeeping',
    ['Pop', 'Try', 'TryTable', 'Throw', 'Rethrow', 'ThrowRef'],
  ],
  [
    'GC and typed function references are not metered',
    [
      'RefEq', 'RefI31', 'I31Get', 'CallRef', 'RefTest', 'RefCast', 'RefGetDesc', 'BrOn', 'RefAs',
      'StructNew', 'StructGet', 'StructSet', 'StructRMW', 'StructCmpxchg',
      'ArrayNew', 'ArrayNewData', 'ArrayNewElem', 'ArrayNewFixed', 'ArrayGet', 'ArraySet', 'ArrayLoad',
      'ArrayStore', 'ArrayLen', 'ArrayCopy', 'ArrayFill', 'ArrayInitData', 'ArrayInitElem', 'ArrayRMW', 'ArrayCmpxchg',
      'StringNew', 'StringConst', 'StringMeasure', 'StringEncode', 'StringConcat', 'StringEq', 'StringTest',
      'StringWTF16Get', 'StringSliceWTF',
    ],
  ],
  ['stack switching is not metered', ['ContNew', 'ContBind', 'Suspend', 'Resume', 'ResumeThrow', 'StackSwitch']],
  ['wide arithmetic is not metered', ['WideIntAddSub', 'WideIntMul']],
];

/** One operand of an expression (as it was when listed), how to read it now, and how to replace it. */
export interface Slot {
  readonly expr: number;
  get(): number;
  set(expr: number): void;
}

type Kind =
  | { readonly name: string; readonly operands: (expr: number) => Slot[]; readonly check?: (expr: number) => string | undefined }
  | { readonly name: string; readonly refused: string };

export interface ExpressionKinds {
  /** The name of kind `id` (`Block`, `Loop`, ...), for messages and for the passes' switches. */
  name(id: number): string | undefined;
  /** The id of a walked kind. */
  id(name: keyof typeof WALKED): number;
  /**
   * The operands of `expr` in evaluation order, each with a setter. Refuses (RewriteError) a kind
   * that is refused or unknown; `func` names the function in that message.
   */
  operands(expr: number, func: string): Slot[];
  /** Every `_Binaryen<Kind>Id` of this binaryen.js that the table does not name (a test keeps it empty). */
  readonly unlisted: readonly string[];
}

const cache = new WeakMap<BinaryenApi, ExpressionKinds>();

export function expressionKinds(b: BinaryenApi, features: number): ExpressionKinds {
  let kinds = cache.get(b);
  if (!kinds) cache.set(b, (kinds = build(b, features)));
  return kinds;
}

function build(b: BinaryenApi, features: number): ExpressionKinds {
  const byId = new Map<number, Kind>();
  const idOf = (name: string) => cFunction(b, `_Binaryen${name}Id`)();
  for (const [name, operands] of Object.entries(WALKED) as [string, readonly Operand[]][]) {
    byId.set(idOf(name), { name, operands: accessors(b, name, operands) });
  }
  const offsets = findOperandOffsets(b, features);
  for (const name of OPAQUE) {
    const found = 'unknown' in offsets ? undefined : offsets.get(name);
    byId.set(
      idOf(name),
      found
        ? { name, operands: (expr) => found.map((offset) => rawSlot(b, (expr >>> 0) + offset)) }
        : { name, refused: `binaryen.js exposes no accessors for its operands, and ${'unknown' in offsets ? offsets.unknown : 'the probe failed'}` },
    );
  }
  for (const [reason, names] of REFUSED) for (const name of names) byId.set(idOf(name), { name, refused: reason });
  for (const name of ['Call', 'CallIndirect']) {
    const kind = byId.get(idOf(name));
    const isReturn = cFunction(b, `_Binaryen${name}IsReturn`);
    if (kind && 'operands' in kind) {
      byId.set(idOf(name), { ...kind, check: (e) => (isReturn(e) ? 'tail calls would skip the call-depth bookkeeping' : undefined) });
    }
  }
  const listed = new Set([...byId.values()].map((k) => k.name));
  const unlisted = Object.keys(b)
    .map((key) => /^_Binaryen(\w+)Id$/.exec(key)?.[1])
    .filter((name): name is string => name !== undefined && name !== 'ExpressionGet' && !listed.has(name))
    .sort();
  const getId = cFunction(b, '_BinaryenExpressionGetId');
  return {
    name: (id) => byId.get(id)?.name,
    id: (name) => idOf(name),
    operands(expr, func) {
      const id = getId(expr);
      const kind = byId.get(id);
      if (!kind) return refuse('unknown-expression', { func, id });
      if ('refused' in kind) return refuse('refused-expression', { func, kind: kind.name, reason: kind.refused });
      const reason = kind.check?.(expr);
      if (reason) return refuse('refused-expression', { func, kind: kind.name, reason });
      return kind.operands(expr);
    },
    unlisted,
  };
}

/** The operand slots of one walked kind, from its C API getters and setters. */
function accessors(b: BinaryenApi, kind: string, operands: readonly Operand[]): (expr: number) => Slot[] {
  const getters = operands.map((operand) => {
    if (typeof operand === 'string') {
      const get = cFunction(b, `_Binaryen${kind}Get${operand}`);
      const set = cFunction(b, `_Binaryen${kind}Set${operand}`);
      return (expr: number, into: Slot[]) => {
        const child = get(expr);
        if (child) into.push({ expr: child, get: () => get(expr), set: (e) => void set(expr, e) });
      };
    }
    const count: CFunction = cFunction(b, `_Binaryen${kind}Get${operand.count}`);
    const get = cFunction(b, `_Binaryen${kind}Get${operand.at}`);
    const set = cFunction(b, `_Binaryen${kind}Set${operand.at}`);
    return (expr: number, into: Slot[]) => {
      const n = count(expr);
      for (let i = 0; i < n; i++) into.push({ expr: get(expr, i), get: () => get(expr, i), set: (e) => void set(expr, i, e) });
    };
  });
  return (expr) => {
    const slots: Slot[] = [];
    for (const getter of getters) getter(expr, slots);
    return slots;
  };
}

/** An operand reached through its field's address in binaryen's memory (opaque-operands.ts). */
function rawSlot(b: BinaryenApi, address: number): Slot {
  const get = () => b.__i32_load(address) >>> 0;
  return { expr: get(), get, set: (e) => b.__i32_store(address, e) };
}
