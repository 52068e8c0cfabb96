import { parse } from '@bytecodealliance/jco';
import { describe, expect, it } from 'vitest';
import { i64Const, loadBinaryen } from './binaryen.js';
import { expressionKinds } from './expression-kinds.js';
import { meterFuel } from './fuel.js';
import {
  Counters,
  DEPTH_GLOBAL,
  FUEL_GLOBAL,
  fuelLeft,
  GROW_FAILED_GLOBAL,
  importedMemoryLimits,
  MEMORY_IMPORT,
  RESET_EXPORT,
  resetCounters,
  rewriteCore,
  RewriteError,
  START_EXPORT,
  trapCause,
  type RewriteOptions,
} from './index.js';
import { featureMask } from './read-module.js';

const METERED: RewriteOptions = { fuel: true, maxCallDepth: 500 };

async function instantiate(wat: string, options: RewriteOptions): Promise<WebAssembly.Exports> {
  const bytes = await rewriteCore(await parse(wat), options);
  return new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports;
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a trap');
}

const call = (exports: WebAssembly.Exports, name: string, ...args: unknown[]) =>
  (exports[name] as (...a: unknown[]) => unknown)(...args);

const ENDLESS = `(module
  (global $laps (export "laps") (mut i32) (i32.const 0))
  (func (export "run")
    (loop $again
      (global.set $laps (i32.add (global.get $laps) (i32.const 1)))
      (br $again))))`;

describe('fuel', () => {
  it('stops an endless loop at the same iteration on every run, with the fuel below zero', async () => {
    const bytes = await rewriteCore(await parse(ENDLESS), METERED);
    const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    const laps: number[] = [];
    const left: (bigint | undefined)[] = [];
    for (let run = 0; run < 5; run++) {
      const exports = new WebAssembly.Instance(module).exports;
      const counters = new Counters(exports);
      counters.reset(1_000_000n);
      const trap = thrown(() => call(exports, 'run'));
      expect(trap).toBeInstanceOf(WebAssembly.RuntimeError);
      expect(counters.trapCause(METERED)).toBe('fuel');
      laps.push((exports['laps'] as WebAssembly.Global).value as number);
      left.push(counters.fuelLeft);
    }
    expect(new Set(laps).size).toBe(1);
    expect(new Set(left).size).toBe(1);
    expect(laps[0]).toBeGreaterThan(100_000);
    expect(left[0]).toBeLessThan(0n);
  });

  it('rewrites the same bytes into the same bytes (a rewrite can be kept by hash, and replayed)', async () => {
    const bytes = await parse(ENDLESS);
    const options = { ...METERED, maxMemoryPages: 4 };
    expect(await rewriteCore(bytes, options)).toEqual(await rewriteCore(bytes, options));
  });

  it('charges the same for the same call, and lets the call finish within its budget', async () => {
    const exports = await instantiate(
      `(module (func $fib (export "fib") (param i32) (result i32)
        (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
          (then (local.get 0))
          (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                         (call $fib (i32.sub (local.get 0) (i32.const 2))))))))`,
      METERED,
    );
    const spent: bigint[] = [];
    for (let i = 0; i < 3; i++) {
      resetCounters(exports, 10_000_000n);
      expect(call(exports, 'fib', 20)).toBe(6765);
      spent.push(10_000_000n - fuelLeft(exports)!);
    }
    expect(new Set(spent).size).toBe(1);
    // 21,891 calls of about a dozen instructions each.
    expect(spent[0]).toBeGreaterThan(200_000n);
    resetCounters(exports, spent[0]! - 1n);
    expect(thrown(() => call(exports, 'fib', 20))).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(trapCause(exports, METERED)).toBe('fuel');
  });

  it('charges loops in call operands, in callees and through the host, with no refund at calls', async () => {
    const spin = (n: string) => `(block $done (loop $l (br_if $done (i32.ge_u (local.get $i) (${n})))
      (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l)))`;
    const bytes = await rewriteCore(
      await parse(`(module
        (import "host" "again" (func $again (param i32) (result i32)))
        (func $id (param i32) (result i32) (local.get 0))
        (func $spin (export "inCallee") (param $n i32) (result i32) (local $i i32) ${spin('local.get $n')} (local.get $n))
        (func (export "inOperand") (param $n i32) (result i32) (local $i i32)
          (call $id (block (result i32) ${spin('local.get $n')} (local.get $n))))
        (func (export "throughHost") (param $n i32) (result i32) (call $again (local.get $n))))`),
      METERED,
    );
    let exports: WebAssembly.Exports = {};
    const again = (n: number) => call(exports, 'inCallee', n);
    exports = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { host: { again } }).exports;
    const spent = (f: string, n: number) => {
      resetCounters(exports, 1n << 40n);
      expect(call(exports, f, n)).toBe(n);
      return Number((1n << 40n) - fuelLeft(exports)!);
    };
    for (const f of ['inCallee', 'inOperand', 'throughHost']) {
      const perThousand = spent(f, 2000) - spent(f, 1000);
      expect(perThousand, f).toBeGreaterThanOrEqual(1000 * 5);
      expect(spent(f, 3000) - spent(f, 2000), f).toBe(perThousand);
    }
  });

  it('meters a loop inside the operands of table.fill, which binaryen.js does not expose', async () => {
    const exports = await instantiate(
      `(module (table 1 funcref)
        (func (export "run")
          (table.fill 0 (i32.const 0) (ref.null func)
            (loop $spin (result i32) (br $spin)))))`,
      METERED,
    );
    resetCounters(exports, 10_000n);
    expect(thrown(() => call(exports, 'run'))).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(trapCause(exports, METERED)).toBe('fuel');
  });

  it('moves a start function to an export, to run once the host has set the fuel', async () => {
    const bytes = await rewriteCore(await parse(`(module (func $forever (loop $l (br $l))) (start $forever))`), METERED);
    const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports;
    resetCounters(exports, 1000n);
    expect(thrown(() => call(exports, START_EXPORT))).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(trapCause(exports, METERED)).toBe('fuel');
  });
});

describe('call depth', () => {
  const RECURSION = `(module
    (func $down (export "down") (param i32) (result i32)
      (if (i32.eqz (local.get 0)) (then (return (i32.const 0))))
      (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1)))))
    (func $forever (export "forever") (param i32) (result i32)
      (call $forever (i32.add (local.get 0) (i32.const 1)))))`;

  it('traps unbounded recursion at the maximum depth, on every run', async () => {
    const exports = await instantiate(RECURSION, METERED);
    for (let run = 0; run < 3; run++) {
      resetCounters(exports, 1n << 40n);
      expect(thrown(() => call(exports, 'forever', 0))).toBeInstanceOf(WebAssembly.RuntimeError);
      expect(trapCause(exports, METERED)).toBe('depth');
      expect((exports[DEPTH_GLOBAL] as WebAssembly.Global).value).toBe(501);
    }
  });

  it('counts every exit, by return or by falling off the end', async () => {
    const exports = await instantiate(RECURSION, METERED);
    resetCounters(exports, 1n << 40n);
    expect(call(exports, 'down', 499)).toBe(499);
    expect((exports[DEPTH_GLOBAL] as WebAssembly.Global).value).toBe(0);
    expect(thrown(() => call(exports, 'down', 500))).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(trapCause(exports, METERED)).toBe('depth');
  });

  it('weighs a call by its frame: 1, plus 1 for every 8 parameters and locals', async () => {
    const locals = Array.from({ length: 63 }, () => '(local i64)').join(' ');
    const exports = await instantiate(
      `(module (func $wide (export "wide") (param i32) ${locals} (call $wide (local.get 0))))`,
      { fuel: false, maxCallDepth: 100 },
    );
    expect(thrown(() => call(exports, 'wide', 0))).toBeInstanceOf(WebAssembly.RuntimeError);
    // 64 parameters and locals weigh 9: the 12th call makes 108.
    expect((exports[DEPTH_GLOBAL] as WebAssembly.Global).value).toBe(108);
    expect(trapCause(exports, { maxCallDepth: 100 })).toBe('depth');
  });

  it('counts depth without fuel, and fuel without depth', async () => {
    const depthOnly = await instantiate(RECURSION, { fuel: false, maxCallDepth: 10 });
    expect(depthOnly[FUEL_GLOBAL]).toBeUndefined();
    expect(thrown(() => call(depthOnly, 'forever', 0))).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(trapCause(depthOnly, { maxCallDepth: 10 })).toBe('depth');
    const fuelOnly = await instantiate(ENDLESS, { fuel: true });
    expect(fuelOnly[DEPTH_GLOBAL]).toBeUndefined();
  });
});

describe('memory cap', () => {
  const MEMORY = (limits: string) => `(module
    (memory (export "memory") ${limits})
    (data (i32.const 100) "kept")
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`;

  it('makes memory.grow past the cap return -1, with or without a declared maximum', async () => {
    for (const limits of ['1', '1 100']) {
      const exports = await instantiate(MEMORY(limits), { fuel: false, maxMemoryPages: 4 });
      expect(call(exports, 'grow', 3)).toBe(1);
      expect(call(exports, 'grow', 1)).toBe(-1);
      expect((exports['memory'] as WebAssembly.Memory).buffer.byteLength).toBe(4 * 65536);
    }
  });

  it('keeps a lower declared maximum', async () => {
    const exports = await instantiate(MEMORY('1 2'), { fuel: false, maxMemoryPages: 4 });
    expect(call(exports, 'grow', 2)).toBe(-1);
    expect(call(exports, 'grow', 1)).toBe(1);
  });

  it('keeps the data segments, with and without the other rewrites', async () => {
    for (const options of [{ fuel: false, maxMemoryPages: 4 }, { ...METERED, maxMemoryPages: 4 }]) {
      const exports = await instantiate(MEMORY('1'), options);
      const bytes = new Uint8Array((exports['memory'] as WebAssembly.Memory).buffer, 100, 4);
      expect(new TextDecoder().decode(bytes)).toBe('kept');
    }
  });

  it('refuses a memory whose minimum is above the cap, saying so', async () => {
    const refusal = rewriteCore(await parse(MEMORY('8')), { fuel: false, maxMemoryPages: 4 });
    await expect(refusal).rejects.toThrow(RewriteError);
    await expect(refusal).rejects.toThrow('memory 0 needs at least 8 pages of 64 KiB (0.5 MiB), above the cap of 4 pages (0.25 MiB)');
  });

  it('leaves imported memories alone', async () => {
    const bytes = await rewriteCore(await parse(`(module (import "m" "memory" (memory 1)))`), { fuel: false, maxMemoryPages: 4 });
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 100 });
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { m: { memory } });
    // Nor does it flag their grows: the cap is not theirs.
    expect(exports[GROW_FAILED_GLOBAL]).toBeUndefined();
  });
});

describe('pooled memory (importMemory)', () => {
  const MODULE = (imports: string, limits: string) => `(module ${imports}
    (memory (export "memory") ${limits})
    (data (i32.const 100) "kept")
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`;
  const IMPORTS = `(import "host" "f" (func)) (import "host" "g" (func (param i32)))`;
  const module = (bytes: Uint8Array) => new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);

  it('turns the one memory a module defines into an import of the same limits, after the cap', async () => {
    for (const imports of [IMPORTS, '']) {
      const bytes = await rewriteCore(await parse(MODULE(imports, '1')), { ...METERED, maxMemoryPages: 4, importMemory: true });
      expect(importedMemoryLimits(bytes)).toEqual({ initial: 1, maximum: 4 });
      expect(WebAssembly.Module.imports(module(bytes)).filter((i) => i.kind === 'memory')).toEqual([{ ...MEMORY_IMPORT, kind: 'memory' }]);
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
      const host = { f: () => {}, g: () => {} };
      const { exports } = new WebAssembly.Instance(module(bytes), { host, [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: memory } });
      // The data segments land in the given memory, the module exports it, and its grows are capped and flagged.
      expect(exports['memory']).toBe(memory);
      expect(new TextDecoder().decode(new Uint8Array(memory.buffer, 100, 4))).toBe('kept');
      resetCounters(exports, 1_000_000n);
      expect(call(exports, 'grow', 3)).toBe(1);
      expect(call(exports, 'grow', 1)).toBe(-1);
      expect((exports[GROW_FAILED_GLOBAL] as WebAssembly.Global).value).toBe(1);
    }
  });

  it('keeps a declared maximum without a cap, and leaves any module it cannot change as it was', async () => {
    const declared = await rewriteCore(await parse(MODULE(IMPORTS, '1 2')), { fuel: false, importMemory: true });
    expect(importedMemoryLimits(declared)).toEqual({ initial: 1, maximum: 2 });
    const kept = [
      MODULE(IMPORTS, '1'), // no maximum, no cap: a pool needs one
      MODULE('(import "host" "x" (global i32))', '1 2'), // imports other than functions
      MODULE('', '1 2 shared'),
      `(module (import "m" "memory" (memory 1 2)))`,
      `(module (func (export "f")))`,
    ];
    for (const wat of kept) {
      const bytes = await rewriteCore(await parse(wat), { fuel: false, importMemory: true });
      expect(importedMemoryLimits(bytes), wat).toBeUndefined();
      expect(bytes, wat).toEqual(await rewriteCore(await parse(wat), { fuel: false }));
    }
  });
});

describe('reusable instances (resettable)', () => {
  const GLOBALS = `(module
    (global $a (export "a") (mut i32) (i32.const 5))
    (global $b (export "b") (mut i64) (i64.const -7))
    (global $c (export "c") (mut f64) (f64.const 1.5))
    (global $k (export "k") i32 (i32.const 9))
    (global $r (mut funcref) (ref.func $f))
    (func $f (result i32) (i32.const 42))
    (func (export "scramble")
      (global.set $a (i32.const 1)) (global.set $b (i64.const 2)) (global.set $c (f64.const 3)) (global.set $r (ref.null func)))
    (func (export "r_is_null") (result i32) (ref.is_null (global.get $r))))`;
  const value = (exports: WebAssembly.Exports, name: string) => (exports[name] as WebAssembly.Global).value as unknown;

  it("sets every mutable global back to its initial value, a ref.func to this instance's function", async () => {
    for (const options of [{ fuel: false, resettable: true }, { ...METERED, resettable: true }]) {
      const exports = await instantiate(GLOBALS, options);
      const run = (name: string) => (resetCounters(exports, 1_000_000n), call(exports, name));
      run('scramble');
      expect([value(exports, 'a'), value(exports, 'b'), value(exports, 'c'), run('r_is_null')]).toEqual([1, 2n, 3, 1]);
      call(exports, RESET_EXPORT); // metered by nothing: it needs no fuel
      expect([value(exports, 'a'), value(exports, 'b'), value(exports, 'c'), value(exports, 'k'), run('r_is_null')]).toEqual([5, -7n, 1.5, 9, 0]);
    }
  });

  it('adds no reset to a module whose state outlives instantiation elsewhere', async () => {
    const uses = (body: string, extra = '') => `(module (memory 1) (table 2 funcref) (data $d "x") (elem $e func $f) ${extra}
      (func $f) (func (export "g") ${body}))`;
    const kept = [
      uses('(memory.init $d (i32.const 0) (i32.const 0) (i32.const 1))'),
      uses('(data.drop $d)'),
      uses('(table.set (i32.const 0) (ref.null func))'),
      uses('(drop (table.grow (ref.null func) (i32.const 1)))'),
      uses('(table.fill (i32.const 0) (ref.null func) (i32.const 1))'),
      uses('(table.copy (i32.const 0) (i32.const 1) (i32.const 1))'),
      uses('(table.init $e (i32.const 0) (i32.const 0) (i32.const 1))'),
      uses('(elem.drop $e)'),
      uses('', '(start $f)'), // without fuel, the start function stays inside instantiation
    ];
    for (const wat of kept) {
      const exports = await instantiate(wat, { fuel: false, resettable: true });
      expect(exports[RESET_EXPORT], wat).toBeUndefined();
    }
    // With fuel the start function is an export the host calls again after a reset.
    const moved = await instantiate(uses('', '(start $f)'), { ...METERED, resettable: true });
    expect(typeof moved[RESET_EXPORT]).toBe('function');
  });
});

describe('failed grows', () => {
  /** An allocator that grows by 1 MiB until memory.grow fails, then traps, as a guest's does. */
  const GREEDY = `(module
    (memory (export "memory") 1)
    (func (export "allocate")
      (loop $more
        (br_if $more (i32.ne (memory.grow (i32.const 16)) (i32.const -1))))
      (unreachable))
    (func (export "oops") (unreachable)))`;
  const CAP = { maxMemoryPages: 256 }; // 16 MiB
  const flag = (exports: WebAssembly.Exports) => (exports[GROW_FAILED_GLOBAL] as WebAssembly.Global).value;

  it('say the trap came with the memory at its cap, though the memory stopped below it', async () => {
    for (const options of [{ ...METERED, ...CAP }, { fuel: false, ...CAP }]) {
      const exports = await instantiate(GREEDY, options);
      const counters = new Counters(exports);
      counters.reset(1n << 40n);
      expect(thrown(() => call(exports, 'allocate'))).toBeInstanceOf(WebAssembly.RuntimeError);
      expect(counters.trapCause(options)).toBe('memory');
      expect(flag(exports)).toBe(1);
      // 1 + 15 * 16 pages: 15.06 MiB, as the size alone would not tell.
      expect((exports['memory'] as WebAssembly.Memory).buffer.byteLength).toBe(241 * 65536);
      // Until the next call: reset clears it, and a trap of the guest's own is its own.
      counters.reset(1n << 40n);
      expect(flag(exports)).toBe(0);
      expect(thrown(() => call(exports, 'oops'))).toBeInstanceOf(WebAssembly.RuntimeError);
      expect(counters.trapCause(options)).toBeUndefined();
    }
  });

  it('come after fuel and depth: a trap of fuel or depth is that, whatever grew', async () => {
    const exports = await instantiate(
      `(module (memory 1)
        (func $deep (export "deep") (drop (memory.grow (i32.const 1000))) (call $deep))
        (func (export "spin") (drop (memory.grow (i32.const 1000))) (loop $l (br $l))))`,
      { ...METERED, ...CAP },
    );
    for (const [name, cause] of [['deep', 'depth'], ['spin', 'fuel']] as const) {
      resetCounters(exports, 100_000n);
      expect(thrown(() => call(exports, name))).toBeInstanceOf(WebAssembly.RuntimeError);
      expect(flag(exports)).toBe(1);
      expect(trapCause(exports, METERED)).toBe(cause);
    }
  });

  it('keep the result of memory.grow, its operand evaluated once, and flag only a failure', async () => {
    const exports = await instantiate(
      `(module (memory 1)
        (global $calls (export "calls") (mut i32) (i32.const 0))
        (func $delta (param i32) (result i32)
          (global.set $calls (i32.add (global.get $calls) (i32.const 1))) (local.get 0))
        (func (export "grow") (param i32) (result i32) (memory.grow (call $delta (local.get 0))))
        (func (export "twice") (param i32) (result i32) (memory.grow (memory.grow (local.get 0))))
        (func (export "returned") (param i32) (result i32) (return (memory.grow (local.get 0)))))`,
      { ...METERED, maxMemoryPages: 4 },
    );
    const calls = exports['calls'] as WebAssembly.Global;
    resetCounters(exports, 1n << 40n);
    expect(call(exports, 'grow', 1)).toBe(1);
    expect(calls.value).toBe(1);
    expect(flag(exports)).toBe(0);
    expect(call(exports, 'grow', 0)).toBe(2);
    expect(flag(exports)).toBe(0);
    expect(call(exports, 'grow', 3)).toBe(-1);
    expect(calls.value).toBe(3);
    expect(flag(exports)).toBe(1);
    resetCounters(exports, 1n << 40n);
    // The inner grow gets 2 -> 3 pages and returns 2; the outer asks 2 more, over the cap of 4.
    expect(call(exports, 'twice', 1)).toBe(-1);
    expect(flag(exports)).toBe(1);
    resetCounters(exports, 1n << 40n);
    expect(call(exports, 'returned', 1)).toBe(3);
    expect(call(exports, 'returned', 1)).toBe(-1);
    expect(flag(exports)).toBe(1);
    expect(trapCause(exports, METERED)).toBe('memory');
  });

  it('are flagged only under a cap, and the name is reserved', async () => {
    const uncapped = await instantiate(GREEDY, METERED);
    expect(uncapped[GROW_FAILED_GLOBAL]).toBeUndefined();
    const noMemory = await instantiate(ENDLESS, { fuel: false, ...CAP });
    expect(noMemory[GROW_FAILED_GLOBAL]).toBeUndefined();
    for (const memory of ['(memory 1)', '']) {
      const taken = await parse(`(module ${memory} (global (export "${GROW_FAILED_GLOBAL}") i32 (i32.const 0)))`);
      for (const options of [{ fuel: false, ...CAP }, { ...METERED, ...CAP }]) {
        await expect(rewriteCore(taken, options)).rejects.toThrow(`already exports "${GROW_FAILED_GLOBAL}"`);
      }
      await expect(rewriteCore(taken, METERED)).resolves.toBeInstanceOf(Uint8Array);
    }
  });
});

describe('refusals', () => {
  it('refuses a module with an expression kind it does not meter, naming function and kind', async () => {
    // binaryen reads atomic.fence without the threads feature: the walker is the lock.
    const threads = await parse(`(module (func (export "f") (atomic.fence)))`);
    await expect(rewriteCore(threads, METERED)).rejects.toThrow(
      'function 0: AtomicFence cannot be metered (threads: shared memory and atomics are not metered); build it without it',
    );
  });

  it('refuses a module binaryen cannot read, naming the features it meters', async () => {
    // Valid, but binaryen 132 keeps no declarative element segments to table.init from.
    const declarative = await parse(`(module (table 1 funcref) (elem $e declare func $f) (func $f)
      (func (table.init $e (i32.const 0) (i32.const 0) (i32.const 1))))`);
    await expect(rewriteCore(declarative, METERED)).rejects.toThrow(
      /^cannot be read by binaryen with the features romhost meters \(MutableGlobals, .*\): it uses another/,
    );
  });

  it('refuses an expression kind the walker does not meter, even when binaryen reads it', async () => {
    const b = await loadBinaryen();
    const module = new b.Module();
    try {
      module.setFeatures(b.Features.All);
      module.addFunction('fenced', b.none, b.none, [], module.atomic.fence());
      module.addGlobal('fuel', b.i64, true, i64Const(module, 0n));
      const kinds = expressionKinds(b, featureMask(b));
      expect(() => meterFuel(b, module, kinds, 'fuel')).toThrow(
        'function fenced: AtomicFence cannot be metered (threads: shared memory and atomics are not metered)',
      );
    } finally {
      module.dispose();
    }
  });

  it('knows every expression kind of its binaryen.js', async () => {
    const b = await loadBinaryen();
    expect(expressionKinds(b, featureMask(b)).unlisted).toEqual([]);
  });

  it('refuses invalid modules and names it reserves', async () => {
    await expect(rewriteCore(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 99), METERED)).rejects.toThrow('is not a valid core WebAssembly module');
    const taken = await parse(`(module (global (export "${FUEL_GLOBAL}") i32 (i32.const 0)))`);
    await expect(rewriteCore(taken, METERED)).rejects.toThrow(`already exports "${FUEL_GLOBAL}"`);
    await expect(rewriteCore(taken, { fuel: false, maxCallDepth: 0 })).rejects.toThrow('maxCallDepth 0 is not an integer');
  });
});
