/**
 * The hostile components at the core level: each main core module, rewritten with fuel, a call
 * depth and a memory cap, driven by a hand-written host side of the ABI (wit/ABI.md). What the
 * host makes of each misbehaviour is tested at the host level; here, that each one misbehaves
 * as test/hostile/README.md says, and only on `go`.
 */
import { readFileSync } from 'node:fs';
import { transpile } from '@bytecodealliance/jco';
import { describe, expect, it } from 'vitest';
import { resetCounters, rewriteCore, START_EXPORT, trapCause, type RewriteOptions } from '../../host/engine/rewrite/index.js';

const LIMITS: RewriteOptions = { fuel: true, maxCallDepth: 1000, maxMemoryPages: 2048 };
const FUEL = 10_000_000n;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The main core module of a hostile component (as jco splits it), rewritten with LIMITS; once per name. */
const rewritten = new Map<string, Promise<WebAssembly.Module>>();
function mainModule(name: string): Promise<WebAssembly.Module> {
  let module = rewritten.get(name);
  if (!module) rewritten.set(name, (module = rewriteMain(name)));
  return module;
}

async function rewriteMain(name: string): Promise<WebAssembly.Module> {
  const { files } = await transpile(readFileSync(`test/hostile/${name}/${name}.wasm`), { name: 'c', instantiation: 'sync' });
  for (const bytes of Object.values(files) as Uint8Array<ArrayBuffer>[]) {
    if (!WebAssembly.validate(bytes)) continue;
    if (WebAssembly.Module.exports(new WebAssembly.Module(bytes)).some((e) => e.name === 'update')) {
      return new WebAssembly.Module((await rewriteCore(bytes, LIMITS)) as Uint8Array<ArrayBuffer>);
    }
  }
  throw new Error(`${name}: no core module exports update`);
}

interface Run {
  reports: [name: string, bytes: Uint8Array][];
  trap?: unknown;
  cause?: string | undefined;
}

/** Instantiates the rewritten main module and runs one update with ROM `input` (and any `extra` ROMs). */
async function update(name: string, input: string, extra: Record<string, string> = {}): Promise<Run> {
  const module = await mainModule(name);
  const roms = new Map(Object.entries({ ...extra, input }).map(([k, v]) => [k, encoder.encode(v)]));
  const run: Run = { reports: [] };
  let exports: WebAssembly.Exports = {};
  const memory = () => new Uint8Array((exports['memory'] as WebAssembly.Memory).buffer);
  const text = (ptr: number, len: number) => decoder.decode(memory().slice(ptr, ptr + len));
  const instance = new WebAssembly.Instance(module, {
    'romhost:component/rom@0.1.0': {
      read(namePtr: number, nameLen: number, ret: number) {
        const value = roms.get(text(namePtr, nameLen));
        memory()[ret] = value ? 1 : 0;
        if (!value) return;
        const ptr = (exports['cabi_realloc'] as (...a: number[]) => number)(0, 0, 1, value.length);
        memory().set(value, ptr);
        new DataView(memory().buffer).setUint32(ret + 4, ptr, true);
        new DataView(memory().buffer).setUint32(ret + 8, value.length, true);
      },
    },
    'romhost:component/report@0.1.0': {
      submit(namePtr: number, nameLen: number, ptr: number, len: number) {
        run.reports.push([text(namePtr, nameLen), memory().slice(ptr, ptr + len)]);
      },
    },
  });
  exports = instance.exports;
  resetCounters(exports, FUEL);
  try {
    (exports[START_EXPORT] as (() => void) | undefined)?.();
    (exports['update'] as (ptr: number, len: number) => void)(0, 0);
  } catch (e) {
    run.trap = e;
    run.cause = trapCause(exports, LIMITS);
  }
  return run;
}

const names = (run: Run) => run.reports.map(([name]) => name);

describe('hostile components, at the core level', () => {
  const well = ['endless-loop', 'memory-bomb', 'giant-report', 'report-storm', 'undeclared-report', 'deep-recursion', 'trap-in-update', 'unrouted-reader'];

  it.each(well)('%s echoes input as report ok until input is go', async (name) => {
    const run = await update(name, 'hello');
    expect(run.trap).toBeUndefined();
    expect(run.reports.map(([n, b]) => [n, decoder.decode(b)])).toEqual([['ok', 'hello']]);
  });

  it('endless-loop runs out of fuel', async () => {
    expect((await update('endless-loop', 'go')).cause).toBe('fuel');
  });

  it('deep-recursion runs out of call depth', async () => {
    expect((await update('deep-recursion', 'go')).cause).toBe('depth');
  });

  it('memory-bomb traps once memory.grow fails at the cap', async () => {
    const run = await update('memory-bomb', 'go');
    expect(run.trap).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(run.cause).toBe('memory'); // the rewrite recorded the refused grow
  });

  it('giant-report submits 100 MiB as report ok', async () => {
    const run = await update('giant-report', 'go');
    expect(run.reports.map(([n, b]) => [n, b.length])).toEqual([['ok', 100 * 1024 * 1024]]);
  });

  it('report-storm submits report ok 10,000 times, each different', async () => {
    const run = await update('report-storm', 'go');
    expect(run.reports).toHaveLength(10_000);
    expect(new Set(names(run))).toEqual(new Set(['ok']));
    expect(new Set(run.reports.map(([, b]) => new DataView(b.buffer).getUint32(0, true))).size).toBe(10_000);
  });

  it('undeclared-report submits report surprise', async () => {
    expect(names(await update('undeclared-report', 'go'))).toEqual(['surprise']);
  });

  it('trap-in-update traps on its own', async () => {
    const run = await update('trap-in-update', 'go');
    expect(run.trap).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(run.cause).toBeUndefined();
  });

  it('trap-at-start traps in its start function, whatever the input', async () => {
    expect(() => new WebAssembly.Instance(new WebAssembly.Module(readFileSync('test/hostile/trap-at-start/trap-at-start.wasm')))).toThrow();
    const run = await update('trap-at-start', 'hello');
    expect(run.trap).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(run.reports).toEqual([]);
  });

  it('unrouted-reader reports which unrouted names answered', async () => {
    const seen = async (roms: Record<string, string>) =>
      (await update('unrouted-reader', 'go', roms)).reports.map(([n, b]) => `${n}=${decoder.decode(b)}`);
    expect(await seen({})).toEqual(['seen=none']);
    expect(await seen({ secret: 's', '': 'e' })).toEqual(['seen=["secret",""]']);
    expect(await seen({ '../input': 'x', 'input/other': 'y' })).toEqual(['seen=["../input","input/other"]']);
  });
});
