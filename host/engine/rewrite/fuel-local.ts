import type Binaryen from 'binaryen';
import { cFunction, i64Const, type BinaryenApi } from './binaryen.js';
import type { Slot } from './expression-kinds.js';

/**
 * The fuel of one function while it runs: a local, which the engine keeps in a register, where
 * the global would be loaded and stored at every loop head (1.4x instead of 1.07x on a sieve).
 * The global is the truth at every boundary: the local is loaded from it on entry and after
 * every call returns, and stored to it before every call (once its operands are evaluated, so
 * that their loops pay too), before every exit and before the fuel trap.
 */
export class FuelLocal {
  readonly #b: BinaryenApi;
  readonly #module: Binaryen.Module;
  readonly #func: number;
  readonly #global: string;
  readonly #local: number;
  /** One scratch local per type: each use is a set, a flush or reload, a get, never interleaved. */
  readonly #temps = new Map<number, number>();
  readonly #c;

  constructor(b: BinaryenApi, module: Binaryen.Module, func: number, global: string) {
    this.#b = b;
    this.#module = module;
    this.#func = func;
    this.#global = global;
    this.#c = {
      addVar: cFunction(b, '_BinaryenFunctionAddVar'),
      getType: cFunction(b, '_BinaryenExpressionGetType'),
      returnValue: cFunction(b, '_BinaryenReturnGetValue'),
      setReturnValue: cFunction(b, '_BinaryenReturnSetValue'),
    };
    this.#local = this.#c.addVar(func, b.i64);
  }

  /** Subtract `cost`, and trap when below zero (with the global below zero too, for the host). */
  charge(cost: number): number[] {
    const m = this.#module;
    const fuel = () => m.local.get(this.#local, this.#b.i64);
    return [
      m.local.set(this.#local, m.i64.sub(fuel(), i64Const(m, BigInt(cost)))),
      m.if(m.i64.lt_s(fuel(), i64Const(m, 0n)), m.block(null, [this.#flush(), m.unreachable()], this.#b.auto)),
    ];
  }

  /** The body: load, `entry` charges, the body, and a store before it falls off the end. */
  body(body: number, entry: readonly number[], results: number): number {
    const m = this.#module;
    const { auto, none, unreachable } = this.#b;
    if (results === none) return m.block(null, [this.#load(), ...entry, body, this.#flush()], auto);
    if (this.#c.getType(body) === unreachable) return m.block(null, [this.#load(), ...entry, body], auto);
    const temp = this.#temp(results);
    return m.block(null, [this.#load(), ...entry, m.local.set(temp, body), this.#flush(), m.local.get(temp, results)], auto);
  }

  /**
   * A call, its fuel stored after its last operand is evaluated (`last`: get and set that operand;
   * undefined when it has none) and reloaded after it returns: the callee spends from the global.
   */
  call(call: number, last: Slot | undefined): number {
    const m = this.#module;
    const { auto, none, unreachable } = this.#b;
    const before: number[] = [];
    if (last) {
      const operand = last.get();
      const type = this.#c.getType(operand);
      if (type === unreachable) return call; // never made
      const temp = this.#temp(type);
      last.set(m.block(null, [m.local.set(temp, operand), this.#flush(), m.local.get(temp, type)], auto));
    } else {
      before.push(this.#flush());
    }
    const type = this.#c.getType(call);
    if (type === unreachable) return call;
    if (type === none) return m.block(null, [...before, call, this.#load()], auto);
    const temp = this.#temp(type);
    return m.block(null, [...before, m.local.set(temp, call), this.#load(), m.local.get(temp, type)], auto);
  }

  /** A `return`, the fuel stored once its value is computed. */
  return(ret: number): number {
    const m = this.#module;
    const value = this.#c.returnValue(ret);
    if (!value) return m.block(null, [this.#flush(), ret], this.#b.auto);
    const type = this.#c.getType(value);
    if (type === this.#b.unreachable) return ret;
    const temp = this.#temp(type);
    this.#c.setReturnValue(ret, m.local.get(temp, type));
    return m.block(null, [m.local.set(temp, value), this.#flush(), ret], this.#b.auto);
  }

  #load(): number {
    return this.#module.local.set(this.#local, this.#module.global.get(this.#global, this.#b.i64));
  }

  #flush(): number {
    return this.#module.global.set(this.#global, this.#module.local.get(this.#local, this.#b.i64));
  }

  #temp(type: number): number {
    let temp = this.#temps.get(type);
    if (temp === undefined) this.#temps.set(type, (temp = this.#c.addVar(this.#func, type)));
    return temp;
  }
}
