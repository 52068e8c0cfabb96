import { describe, expect, it } from 'vitest';
import { Engine } from '../host/index.js';
import { COUNTER_CHAIN, started, text } from './support/scenarios.js';

describe('routing', () => {
  it('counts a sequence of inputs and routes the count downstream', async () => {
    const { host, changes } = await started(COUNTER_CHAIN);
    expect(changes).toEqual(['counter/count=0@1', 'counter/state=0@1', 'plus-one/out=1@1']);
    for (const input of ['a', 'b', 'b', 'c']) await host.publish('input', input);
    expect(text(host.read('counter/count'))).toBe('3');
    expect(text(host.read('plus-one/out'))).toBe('4');
    expect(text(host.read('input/input'))).toBe('c');
    expect(changes.slice(3)).toEqual([
      'counter/count=1@2', 'counter/state=1\na@2', 'plus-one/out=2@2',
      'counter/count=2@3', 'counter/state=2\nb@3', 'plus-one/out=3@3',
      // step 4 published b again: byte-equal, no change at all
      'counter/count=3@5', 'counter/state=3\nc@5', 'plus-one/out=4@5',
    ]);
    expect(host.state.step).toBe(5);
    expect([...host.reports().keys()]).toEqual(['counter/count', 'counter/state', 'plus-one/out']);
  });

  it('gives a ROM session per source: its current value, then each change', async () => {
    const { host } = await started(COUNTER_CHAIN);
    await host.publish('input', 'a');
    const seen: (string | undefined)[] = [];
    const session = host.rom$('plus-one/out').subscribe((v) => seen.push(text(v)));
    const inputs: (string | undefined)[] = [];
    host.rom$('input/input').subscribe((v) => inputs.push(text(v)));
    await host.publish('input', 'b');
    await host.publish('input', 'b');
    await host.publish('input', 'c');
    session.unsubscribe();
    await host.publish('input', 'd');
    expect(seen).toEqual(['2', '3', '4']);
    expect(inputs).toEqual(['a', 'b', 'c', 'd']);
  });

  it('compiles a component once for all the children that run it', async () => {
    const engine = new Engine();
    const { host } = await started(
      `components: { counter: components/counter-wat/counter-wat.wasm }
children:
  a: { component: counter, roms: { input: input/a, state: a/state }, reports: [count, state] }
  b: { component: counter, roms: { input: input/b, state: b/state }, reports: [count, state] }`,
      { engine },
    );
    const { a, b } = host.state.children;
    expect(a!.component).toBe(b!.component);
    expect(engine.stats()).toMatchObject({ components: 1, compiledModules: 1 }); // the fast path compiles its main module only
    await host.publish('a', '1');
    await host.publish('a', '2');
    await host.publish('b', '1');
    expect([text(host.read('a/count')), text(host.read('b/count'))]).toEqual(['2', '1']);
  });

  it('wakes nobody with a report byte-equal to the current value', async () => {
    // counter-hidden counts every update in which its ROM `input` changed: it counts its wake-ups.
    const { host } = await started(`
components:
  counter: components/counter-wat/counter-wat.wasm
  hidden: components/counter-hidden-wat/counter-hidden-wat.wasm
children:
  counter: { component: counter, roms: { input: input/input, state: counter/state }, reports: [count, state] }
  wakes: { component: hidden, roms: { input: counter/count }, reports: [count] }`);
    expect(text(host.read('wakes/count'))).toBe('1'); // started with count 0 among its changed ROMs
    // The counter reports count 1, then re-reports 1 when its state comes back: one wake-up only.
    await host.publish('input', 'a');
    expect(text(host.read('wakes/count'))).toBe('2');
    await host.publish('input', 'a');
    expect(text(host.read('wakes/count'))).toBe('2');
  });

  it('gives the same report changes for the same inputs', async () => {
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const { host, changes } = await started(COUNTER_CHAIN);
      for (const input of ['x', 'y', 'x', 'x', 'z']) await host.publish('input', input);
      runs.push(changes);
    }
    expect(runs[1]).toEqual(runs[0]);
  });

  it('ends a step that never settles with a fault naming the cycle, and goes on', async () => {
    const { host, applied } = await started(`
components:
  adder: components/adder-wat/adder-wat.wasm
  counter: components/counter-wat/counter-wat.wasm
children:
  ping: { component: adder, roms: { in: pong/out }, reports: [out] }
  pong: { component: adder, roms: { in: ping/out }, reports: [out] }
  counter: { component: counter, roms: { input: input/input, state: counter/state }, reports: [count, state] }
limits: { updates_per_step: 50 }`);
    // The apply step itself never settles: ping and pong keep adding one to each other.
    expect(applied.faults).toEqual([
      {
        step: 1,
        code: 'cycle',
        message:
          'step 1 did not settle within 50 updates: children "ping", "pong" keep changing each other\'s ROMs; break the cycle or raise limits.updates_per_step',
      },
    ]);
    expect(host.state.step).toBe(1);
    const result = await host.publish('input', 'a');
    expect(result.faults).toEqual([]);
    expect(text(host.read('counter/count'))).toBe('1');
    expect(host.state.children['ping']!.status).toBe('running');
  });
});
