/**
 * What the committed WAT components and fixtures do, at the core level: each component's main
 * core module (the one exporting `update`, as jco splits it) is instantiated with hand-written
 * lowering of the ABI in wit/ABI.md, so these tests hold without the host.
 */
import { readFileSync } from 'node:fs';
import { transpile } from '@bytecodealliance/jco';
import { describe, expect, it } from 'vitest';

type Roms = Map<string, Uint8Array>;
type Reports = Array<[name: string, text: string]>;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const bytes = (text: string) => encoder.encode(text);

async function mainModule(wasm: string): Promise<WebAssembly.Module> {
  const { files } = await transpile(readFileSync(wasm), { name: 'c', instantiation: 'sync' });
  const main = Object.entries(files)
    .filter(([name]) => name.endsWith('.wasm'))
    .map(([, b]) => new WebAssembly.Module(new Uint8Array(b)))
    .find((m) => WebAssembly.Module.exports(m).some((e) => e.name === 'update'));
  if (!main) throw new Error(`${wasm}: no core module exports update`);
  return main;
}

interface Exports {
  memory: WebAssembly.Memory;
  cabi_realloc(oldPtr: number, oldSize: number, align: number, newSize: number): number;
  update(listPtr: number, listLen: number): void;
}

/** One instance of a main core module, with the host side of the ABI written out by hand. */
class Child {
  readonly #exports: Exports;
  #reports: Reports = [];

  constructor(module: WebAssembly.Module, roms: Roms) {
    const text = (ptr: number, len: number) => decoder.decode(this.#memory().slice(ptr, ptr + len));
    const imports = {
      'romhost:component/rom@0.1.0': {
        read: (namePtr: number, nameLen: number, ret: number) => {
          const value = roms.get(text(namePtr, nameLen));
          if (value === undefined) return void this.#view().setUint8(ret, 0);
          const ptr = this.#place(1, value);
          const view = this.#view();
          view.setUint8(ret, 1);
          view.setUint32(ret + 4, ptr, true);
          view.setUint32(ret + 8, value.length, true);
        },
      },
      'romhost:component/report@0.1.0': {
        submit: (namePtr: number, nameLen: number, ptr: number, len: number) => {
          this.#reports.push([text(namePtr, nameLen), decoder.decode(this.#memory().slice(ptr, ptr + len))]);
        },
      },
    };
    this.#exports = new WebAssembly.Instance(module, imports).exports as unknown as Exports;
  }

  /** Lowers `changed` as the canonical ABI does (list buffer first, then each string), calls update. */
  update(changed: readonly string[]): Reports {
    const list = this.#exports.cabi_realloc(0, 0, 4, changed.length * 8);
    changed.forEach((name, i) => {
      const encoded = bytes(name);
      const ptr = this.#place(1, encoded);
      this.#view().setUint32(list + i * 8, ptr, true);
      this.#view().setUint32(list + i * 8 + 4, encoded.length, true);
    });
    this.#reports = [];
    this.#exports.update(list, changed.length);
    return this.#reports;
  }

  memoryBytes(): number {
    return this.#exports.memory.buffer.byteLength;
  }

  #place(align: number, value: Uint8Array): number {
    const ptr = this.#exports.cabi_realloc(0, 0, align, value.length);
    this.#memory().set(value, ptr);
    return ptr;
  }

  #memory(): Uint8Array {
    return new Uint8Array(this.#exports.memory.buffer);
  }

  #view(): DataView {
    return new DataView(this.#exports.memory.buffer);
  }
}

const counter = await mainModule('components/counter-wat/counter-wat.wasm');

/** Runs a counter whose report `state` is routed back to its ROM `state`, as a scenario would. */
function routedCounter(roms: Roms, module = counter) {
  const child = new Child(module, roms);
  return (changed: readonly string[]): Reports => {
    const reports = child.update(changed);
    for (const [name, text] of reports) if (name === 'state') roms.set('state', bytes(text));
    return reports;
  };
}

describe('counter-wat', () => {
  it('reports count 0 and state 0 before any input', () => {
    expect(routedCounter(new Map())([])).toEqual([['count', '0'], ['state', '0']]);
  });

  it('counts each new input value once, and keeps the last one in its state', () => {
    const roms: Roms = new Map();
    const update = routedCounter(roms);
    const publish = (value: string) => {
      roms.set('input', bytes(value));
      return update(['input']);
    };
    expect(publish('a')).toEqual([['count', '1'], ['state', '1\na']]);
    expect(update(['state'])).toEqual([['count', '1'], ['state', '1\na']]);
    expect(publish('a')).toEqual([['count', '1'], ['state', '1\na']]);
    expect(publish('b\nc')).toEqual([['count', '2'], ['state', '2\nb\nc']]);
    expect(publish('')).toEqual([['count', '3'], ['state', '3\n']]);
  });

  it('re-submits byte-identical reports when restarted with every ROM listed as changed', () => {
    const roms: Roms = new Map();
    const update = routedCounter(roms);
    for (const value of ['x', 'y', 'x']) {
      roms.set('input', bytes(value));
      update(['input']);
    }
    const before = update(['state']);
    expect(before).toEqual([['count', '3'], ['state', '3\nx']]);
    expect(routedCounter(roms)(['input', 'state'])).toEqual(before);
  });

  it('takes inputs larger than its memory, growing it', () => {
    const roms: Roms = new Map([['input', new Uint8Array(300_000).fill(65)]]);
    const child = new Child(counter, roms);
    const [count, state] = child.update(['input']);
    expect(count).toEqual(['count', '1']);
    expect(state?.[1].length).toBe('1\n'.length + 300_000);
    expect(child.memoryBytes()).toBeGreaterThan(300_000 * 2);
  });

  it('counts on from a count of more than 32 bits', () => {
    const roms: Roms = new Map([['state', bytes('4294967299\nq')], ['input', bytes('r')]]);
    expect(routedCounter(roms)(['input'])).toEqual([['count', '4294967300'], ['state', '4294967300\nr']]);
  });
});

describe('counter-hidden-wat', () => {
  it('counts in a global, so a restart starts again at 0', async () => {
    const hidden = await mainModule('components/counter-hidden-wat/counter-hidden-wat.wasm');
    const roms: Roms = new Map([['input', bytes('a')]]);
    const child = new Child(hidden, roms);
    expect(child.update(['input'])).toEqual([['count', '1']]);
    expect(child.update(['input'])).toEqual([['count', '2']]);
    expect(child.update([])).toEqual([['count', '2']]);
    expect(new Child(hidden, roms).update(['input'])).toEqual([['count', '1']]);
  });
});

describe('adder-wat', () => {
  it('reports in + 1, counting an absent or unparsable in as 0', async () => {
    const adder = await mainModule('components/adder-wat/adder-wat.wasm');
    const out = (value: string | undefined) =>
      new Child(adder, new Map(value === undefined ? [] : [['in', bytes(value)]])).update(['in']);
    expect(out(undefined)).toEqual([['out', '1']]);
    expect(out('41')).toEqual([['out', '42']]);
    expect(out('4294967295')).toEqual([['out', '4294967296']]);
    expect(out('9999999999')).toEqual([['out', '10000000000']]);
    for (const bad of ['', '4a', '-1', ' 1', '12345678901234567890']) expect(out(bad)).toEqual([['out', '1']]);
  });
});

describe('fixtures', () => {
  it('trapper echoes its input and traps on "trap"', async () => {
    const trapper = await mainModule('test/fixtures/trapper/trapper.wasm');
    const roms: Roms = new Map();
    const child = new Child(trapper, roms);
    expect(child.update([])).toEqual([['echo', '']]);
    roms.set('input', bytes('hello'));
    expect(child.update(['input'])).toEqual([['echo', 'hello']]);
    roms.set('input', bytes('trap'));
    expect(() => child.update(['input'])).toThrow(WebAssembly.RuntimeError);
  });

  it('undeclared submits report surprise on every update', async () => {
    const child = new Child(await mainModule('test/fixtures/undeclared/undeclared.wasm'), new Map());
    expect(child.update([])).toEqual([['surprise', '!']]);
    expect(child.update(['x'])).toEqual([['surprise', '!']]);
  });

  it('bomb submits report big of ROM size bytes', async () => {
    const bomb = await mainModule('test/fixtures/bomb/bomb.wasm');
    const roms: Roms = new Map();
    const child = new Child(bomb, roms);
    expect(child.update([])).toEqual([['big', '']]);
    roms.set('size', bytes('200000'));
    expect(child.update(['size'])).toEqual([['big', 'x'.repeat(200_000)]]);
  });

  it('core-module is the ABI in a bare core module', () => {
    const core = new WebAssembly.Module(readFileSync('test/fixtures/core-module/core-module.wasm'));
    expect(WebAssembly.Module.exports(core).map((e) => e.name)).toEqual(['memory', 'cabi_realloc', 'update']);
  });
});
