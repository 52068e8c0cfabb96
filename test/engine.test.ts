import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Engine, type Component } from '../host/engine/index.js';

const counter = readFileSync('components/counter-wat/counter-wat.wasm');
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

/** Drives one instance by hand: ROM values in a map, reports collected in order. */
function drive(engine: Engine, component: Awaited<ReturnType<Engine['load']>>) {
  const roms = new Map<string, Uint8Array>();
  const reports: [string, string][] = [];
  const instance = engine.instantiate(
    component,
    { read: (name) => roms.get(name), submit: (name, content) => reports.push([name, text(content)!]) },
    { fuel: 10_000_000, memoryMib: 256 },
  );
  return { roms, reports, instance };
}

describe('engine', () => {
  it('takes counter-wat on the fast path and shares its compiled modules', async () => {
    const engine = new Engine();
    const a = await engine.load(counter, 'counter-wat.wasm');
    const b = await engine.load(new Uint8Array(counter), 'again.wasm');
    expect(a.callPath).toBe('fast');
    expect(b).toBe(a);
    expect(a.imports).toEqual(['romhost:component/report@0.1.0', 'romhost:component/rom@0.1.0']);
    expect(a.exports).toEqual(['update']);
    expect(engine.stats()).toMatchObject({ components: 1, compiledModules: 1 }); // the fast path compiles its main module only
  });

  it('gives the same reports through the fast path and jco glue', async () => {
    const runs = [];
    for (const engine of [new Engine(), new Engine({ callPath: 'glue' })]) {
      const component = await engine.load(counter, 'counter-wat.wasm');
      const { roms, reports, instance } = drive(engine, component);
      instance.update([]);
      for (const input of ['a', 'b', 'b', 'x'.repeat(100_000), '']) {
        roms.set('input', new TextEncoder().encode(input));
        instance.update(['input']);
        const state = reports.findLast(([n]) => n === 'state');
        if (state) roms.set('state', new TextEncoder().encode(state[1]));
      }
      runs.push({ path: component.callPath, reports });
    }
    expect(runs.map((r) => r.path)).toEqual(['fast', 'glue']);
    expect(runs[0]!.reports).toEqual(runs[1]!.reports);
    expect(runs[0]!.reports.filter(([n]) => n === 'count').map(([, v]) => v)).toEqual(['0', '1', '2', '2', '3', '4']);
  });

  it('runs a component the fast path cannot take through jco glue', async () => {
    const engine = new Engine();
    const echo = await engine.load(readFileSync('test/fixtures/echo-cm32p2/echo-cm32p2.wasm'), 'echo-cm32p2.wasm');
    expect(echo.callPath).toBe('glue');
    expect(echo.glueReason).toBe('no core module exports update by the core names of wit/ABI.md');
    const { roms, reports, instance } = drive(engine, echo);
    instance.update([]);
    roms.set('input', new TextEncoder().encode('hello'));
    instance.update(['input']);
    expect(reports).toEqual([['echo', 'hello']]);
  });
});

describe('pooled memory and reusable instances', () => {
  const snoop = readFileSync('test/fixtures/snoop/snoop.wasm');
  /** test/fixtures/snoop's report: its memory's pages when the update began, and the bytes of 32768..65535 it found not zero. */
  const seen = (reports: [string, string][]) => {
    const bytes = Buffer.from(reports.findLast(([n]) => n === 'seen')![1], 'latin1');
    return { pages: bytes.readUInt32LE(0), dirty: bytes.readUInt32LE(4) };
  };
  function start(engine: Engine, component: Component) {
    const roms = new Map<string, Uint8Array>();
    const reports: [string, string][] = [];
    const instance = engine.instantiate(
      component,
      { read: (name) => roms.get(name), submit: (name, content) => reports.push([name, Buffer.from(content).toString('latin1')]) },
      { fuel: 10_000_000, memoryMib: 256 },
    );
    return { roms, reports, instance };
  }

  it("gives a released instance's memory to the next one, as fresh as a new one", async () => {
    const engine = new Engine();
    const component = await engine.load(snoop, 'snoop.wasm');
    const first = start(engine, component);
    first.instance.update([]);
    first.instance.update([]);
    expect(seen(first.reports)).toEqual({ pages: 1, dirty: 32768 }); // its own writes, seen by itself
    first.instance.release();
    expect(() => first.instance.update([])).toThrow('released');
    for (const round of [1, 2, 3]) {
      const next = start(engine, component);
      next.instance.update([]);
      expect(seen(next.reports), `round ${round}`).toEqual({ pages: 1, dirty: 0 });
      next.instance.release();
    }
    // One core, made new three times: its memory zeroed and given its data segments again, its globals reset.
    expect(engine.stats()).toMatchObject({ instances: { made: 1, reused: 3 }, memories: { made: 1, reused: 0 } });
  });

  it('reuses an instance that trapped, and never one whose memory grew', async () => {
    const engine = new Engine();
    const component = await engine.load(snoop, 'snoop.wasm');
    const trapped = start(engine, component);
    trapped.roms.set('input', new TextEncoder().encode('trap'));
    expect(() => trapped.instance.update(['input'])).toThrow(WebAssembly.RuntimeError);
    trapped.instance.release();
    const grown = start(engine, component);
    grown.instance.update([]);
    expect(seen(grown.reports)).toEqual({ pages: 1, dirty: 0 });
    grown.roms.set('input', new TextEncoder().encode('grow'));
    grown.instance.update(['input']);
    grown.instance.update([]);
    expect(seen(grown.reports)).toEqual({ pages: 2, dirty: 32768 });
    grown.instance.release();
    const fresh = start(engine, component);
    fresh.instance.update([]);
    expect(seen(fresh.reports)).toEqual({ pages: 1, dirty: 0 });
    expect(engine.stats()).toMatchObject({ instances: { made: 2, reused: 1 }, memories: { made: 2, reused: 0 } });
  });

  it('is not used on the glue path, nor when modules are not rewritten', async () => {
    for (const engine of [new Engine({ callPath: 'glue' }), new Engine({ rewrite: false })]) {
      const component = await engine.load(snoop, 'snoop.wasm');
      for (let i = 0; i < 2; i++) {
        const { reports, instance } = start(engine, component);
        instance.update([]);
        expect(seen(reports)).toEqual({ pages: 1, dirty: 0 });
        instance.release();
      }
      expect(engine.stats()).toMatchObject({ instances: { reused: 0 }, memories: { made: 0, reused: 0 } });
    }
  });
});

describe('primes-wat, the compute-heavy example', () => {
  it('counts primes below n on both call paths, and runs out of fuel past its limit', async () => {
    const { createHost, parseScenario } = await import('../host/index.js');
    const yaml = (fuel: number) => `components: { primes: components/primes-wat/primes-wat.wasm }
children: { p: { component: primes, roms: { n: input/n }, reports: [count] } }
limits: { fuel: ${fuel} }
`;
    for (const engine of [new Engine(), new Engine({ callPath: 'glue' })]) {
      const host = createHost({ engine });
      await host.apply(parseScenario(yaml(1_000_000_000), 'primes.yaml'));
      const counts = [];
      for (const n of ['100', '1000000', '2']) {
        await host.publish('n', n);
        counts.push(text(host.read('p/count')));
      }
      expect(counts).toEqual(['25', '78498', '0']);
    }
    const host = createHost();
    await host.apply(parseScenario(yaml(1_000_000), 'primes.yaml'));
    const result = await host.publish('n', '1000000');
    expect(result.faults.map((f) => f.code)).toEqual(['fuel-exhausted']);
  });
});

describe('every example component', () => {
  it('imports nothing beyond the romhost world', async () => {
    const { findComponentDirs, readManifest } = await import('../host/index.js');
    // Validation alone (rewriting the 12 MB JavaScript engines is not what this checks).
    const engine = new Engine({ rewrite: false });
    const dirs = findComponentDirs('components');
    expect(dirs.length).toBeGreaterThanOrEqual(12);
    for (const dir of dirs) {
      const wasm = `${dir}/${readManifest(dir).wasm}`;
      const component = await engine.load(readFileSync(wasm), wasm);
      const foreign = component.imports.filter((i) => i !== 'romhost:component/report@0.1.0' && i !== 'romhost:component/rom@0.1.0');
      expect([wasm, foreign, component.exports]).toEqual([wasm, [], ['update']]);
    }
  }, 120_000);
});
