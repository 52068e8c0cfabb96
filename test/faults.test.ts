import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHost, Engine, isRomhostError, parseScenario } from '../host/index.js';
import { COUNTER_CHAIN, scenario, started, text } from './support/scenarios.js';

const fixture = (name: string) => `test/fixtures/${name}/${name}.wasm`;

async function loadError(file: string): Promise<unknown> {
  return new Engine().load(readFileSync(file), file).then(
    () => 'loaded',
    (e: unknown) => e,
  );
}

describe('bad components are refused with an error naming the file and the fault', () => {
  it.each([
    ['not-wasm', 'not-wasm', 'component test/fixtures/not-wasm/not-wasm.wasm is not WebAssembly'],
    ['core-module', 'core-module', 'component test/fixtures/core-module/core-module.wasm is a core WebAssembly module, not a component'],
    ['printer', 'foreign-import', 'component test/fixtures/printer/printer.wasm imports wasi:filesystem/types@0.2.0, which romhost does not grant'],
    ['other-world', 'missing-export', 'component test/fixtures/other-world/other-world.wasm does not export update'],
    ['wrong-type', 'wrong-signature', 'component test/fixtures/wrong-type/wrong-type.wasm: export update has the type update(changed: string): void'],
  ])('%s', async (name, code, message) => {
    const error = await loadError(fixture(name));
    expect(isRomhostError(error) && error.code).toBe(code);
    expect((error as Error).message).toContain(message);
  });

  it('a component that is not valid at all', async () => {
    const bytes = new Uint8Array(readFileSync(fixture('trapper')));
    const error = await new Engine().load(bytes.slice(0, bytes.length - 7), 'truncated.wasm').catch((e: unknown) => e);
    expect(isRomhostError(error) && error.code).toBe('invalid-component');
    expect((error as Error).message).toMatch(/^component truncated\.wasm is not a valid WebAssembly component: \S/);
  });

  it('leaves the host as it was, ready for a good scenario', async () => {
    const host = createHost();
    const bad = COUNTER_CHAIN.replace('components/adder-wat/adder-wat.wasm', fixture('printer'));
    await expect(host.apply(scenario(bad))).rejects.toThrow(/printer\.wasm imports wasi:filesystem\/types@0\.2\.0/);
    await expect(host.apply(scenario(COUNTER_CHAIN.replace('adder-wat/adder-wat.wasm', 'nothing-here.wasm')))).rejects.toThrow(
      'component components/nothing-here.wasm cannot be read: no such file',
    );
    expect(host.state.children).toEqual({});
    await host.apply(scenario(COUNTER_CHAIN));
    await host.publish('input', 'a');
    expect(text(host.read('plus-one/out'))).toBe('2');
  });

  it('a broken scenario names file, line and field', () => {
    expect(() => parseScenario('components: {}\nchildren:\n  a: { component: nope, reports: [] }\n', 'broken.yaml')).toThrow(/^broken\.yaml:3: /);
  });
});

describe('faults stop one child; the host goes on and loses nothing', () => {
  const FAULTY = `
components:
  counter: components/counter-wat/counter-wat.wasm
  trapper: ${fixture('trapper')}
  undeclared: ${fixture('undeclared')}
  bomb: ${fixture('bomb')}
children:
  counter: { component: counter, roms: { input: input/input, state: counter/state }, reports: [count, state] }
  trapper: { component: trapper, roms: { input: input/input }, reports: [echo] }
  undeclared: { component: undeclared, roms: { input: input/input }, reports: [] }
  bomb: { component: bomb, roms: { size: input/size }, reports: [big], limits: { report_kib: 64 } }
restart: { max: 0 }   # faults alone here: supervision has its own tests
`;

  it('a trap, an undeclared report, an oversized report', async () => {
    const { host, faults } = await started(FAULTY);
    expect(faults.map((f) => [f.child, f.code, f.message])).toEqual([
      ['undeclared', 'undeclared-report', 'child "undeclared" submitted report "surprise", which the scenario does not declare (declared: none): add it to the child\'s reports'],
    ]);
    await host.publish('input', 'hello');
    expect(text(host.read('trapper/echo'))).toBe('hello');
    const trapped = await host.publish('input', 'trap');
    expect(trapped.faults.map((f) => [f.child, f.code, f.message])).toEqual([['trapper', 'trap', 'child "trapper" trapped: unreachable']]);
    expect(text(host.read('trapper/echo'))).toBe('hello'); // its last report stays
    expect(host.state.children['trapper']).toMatchObject({ status: 'quarantined', fault: { code: 'trap' } });
    const big = await host.publish('size', String(65 * 1024));
    expect(big.faults.map((f) => f.message)).toEqual(['child "bomb": report "big" is 65 KiB, limit 64 KiB: raise limits.report_kib or submit less']);
    // The counter saw every input and is still running.
    expect(text(host.read('counter/count'))).toBe('2');
    expect(host.state.children['counter']!.status).toBe('running');
    await host.publish('input', 'more');
    expect(text(host.read('counter/count'))).toBe('3');
  });

  it('a report within the limit passes', async () => {
    const { host } = await started(FAULTY);
    const result = await host.publish('size', String(64 * 1024));
    expect(result.faults).toEqual([]);
    expect(host.read('bomb/big')?.length).toBe(64 * 1024);
  });

  it('a child that cannot start is faulted; the others start', async () => {
    const { host, applied, faults } = await started(`
components:
  counter: components/counter-wat/counter-wat.wasm
  broken: ${fixture('start-trap')}
children:
  broken: { component: broken, roms: { input: input/input }, reports: [] }
  counter: { component: counter, roms: { input: input/input, state: counter/state }, reports: [count, state] }
restart: { max: 0 }
`);
    const expected = { step: 1, child: 'broken', code: 'start-failed', message: 'child "broken" could not start: unreachable' };
    expect(applied.faults).toEqual([expected]);
    expect(faults).toEqual([expected]);
    expect(host.state.children['broken']).toMatchObject({ status: 'quarantined', fault: expected });
    await host.publish('input', 'a');
    expect(text(host.read('counter/count'))).toBe('1');
  });
});
