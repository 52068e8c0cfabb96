import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHost, parseScenario, type LifecycleEvent } from '../host/index.js';
import { scenario, started, text } from './support/scenarios.js';

const COUNTER = 'components/counter-wat/counter-wat.wasm';
const HIDDEN = 'components/counter-hidden-wat/counter-hidden-wat.wasm';
const TRAPPER = 'test/fixtures/trapper/trapper.wasm';

const counterScenario = (component: string) => `
components: { counter: ${component}, adder: components/adder-wat/adder-wat.wasm }
children:
  counter: { component: counter, roms: { input: input/input, state: counter/state }, reports: [count, state] }
  plus-one: { component: adder, roms: { in: counter/count }, reports: [out] }
`;

/** The values each report took, in order, without step numbers: what downstream saw. */
const valuesOf = (changes: string[]) => changes.map((c) => c.replace(/@\d+$/, ''));

async function countWithRestarts(component: string, restart: boolean): Promise<string[]> {
  const { host, changes } = await started(counterScenario(component));
  for (const input of ['a', 'b', 'c', 'd']) {
    if (restart) await host.restart('counter');
    await host.publish('input', input);
  }
  return valuesOf(changes);
}

describe('restart', () => {
  it('is invisible downstream for a conforming child: counter-wat restarted before every input', async () => {
    const undisturbed = await countWithRestarts(COUNTER, false);
    expect(await countWithRestarts(COUNTER, true)).toEqual(undisturbed);
    expect(undisturbed.filter((c) => c.startsWith('plus-one/out'))).toEqual(['plus-one/out=1', 'plus-one/out=2', 'plus-one/out=3', 'plus-one/out=4', 'plus-one/out=5']);
  });

  it('shows the hidden state of counter-hidden-wat', async () => {
    const undisturbed = await countWithRestarts(HIDDEN, false);
    const restarted = await countWithRestarts(HIDDEN, true);
    expect(restarted).not.toEqual(undisturbed);
    // Each restart forgets the count kept in memory (back to 1: the input is among its first
    // changed ROMs), so the next input only ever brings it to 2.
    expect(restarted.filter((c) => c.startsWith('counter/count')).map((c) => c.slice(-1))).toEqual(['0', '1', '2', '1', '2', '1', '2']);
  });

  it('gives a fresh instance that never sees the previous one\'s memory', async () => {
    const { host } = await started(`
components: { hidden: ${HIDDEN} }
children: { h: { component: hidden, roms: { input: input/input }, reports: [count] } }`);
    for (const input of ['a', 'b', 'c']) await host.publish('input', input);
    expect(text(host.read('h/count'))).toBe('3');
    await host.restart('h');
    expect(text(host.read('h/count'))).toBe('1'); // 0 in fresh memory, +1 for the input among its first changed ROMs
    expect(host.state.children['h']).toMatchObject({ status: 'running', restarts: 1 });
  });
});

describe('kill', () => {
  it('keeps the last reports and stays down until restarted', async () => {
    const { host, changes } = await started(counterScenario(COUNTER));
    await host.publish('input', 'a');
    await host.kill('counter');
    expect(host.state.children['counter']!.status).toBe('stopped');
    const before = changes.length;
    await host.publish('input', 'b');
    await host.publish('input', 'c');
    expect(changes.length).toBe(before);
    expect(text(host.read('counter/count'))).toBe('1');
    await host.restart('counter');
    // Restarted, it reads the current input once: the latest value, not every value it missed.
    expect(text(host.read('counter/count'))).toBe('2');
    expect(text(host.read('plus-one/out'))).toBe('3');
  });

  it('of a child that does not exist is an error naming the children', async () => {
    const { host } = await started(counterScenario(COUNTER));
    await expect(host.kill('countr')).rejects.toThrow('no child is called "countr" (children: counter, plus-one)');
    await expect(host.restart('nobody')).rejects.toThrow(/no child is called "nobody"/);
    expect(host.state.step).toBe(1); // a refused command takes no step
  });
});

describe('swap', () => {
  it('starts the new component on the same ROMs and routes its first reports', async () => {
    const { host, changes } = await started(counterScenario(COUNTER));
    const events: LifecycleEvent[] = [];
    host.lifecycle$.subscribe((e) => events.push(e));
    for (const input of ['a', 'b']) await host.publish('input', input);
    const hash = host.state.children['counter']!.component;
    await host.swap('counter', HIDDEN);
    const swapped = host.state.children['counter']!;
    expect(swapped.component).not.toBe(hash);
    expect(events).toEqual([{ step: 4, child: 'counter', action: 'swapped', component: swapped.component }]);
    // counter-hidden keeps its count in memory: it starts again from 0 (+1 for the input it sees).
    expect(valuesOf(changes.slice(-2))).toEqual(['counter/count=1', 'plus-one/out=2']);
    // Swapping back: counter-wat reads its state, which the hidden one never touched.
    await host.swap('counter', COUNTER);
    expect(text(host.read('counter/count'))).toBe('2');
  });

  it.each([
    ['bytes that are not wasm', 'test/fixtures/not-wasm/not-wasm.wasm', /component test\/fixtures\/not-wasm\/not-wasm\.wasm is not WebAssembly/],
    ['a component of another world', 'test/fixtures/printer/printer.wasm', /imports wasi:filesystem\/types@0\.2\.0, which romhost does not grant/],
    ['a missing file', 'components/nowhere.wasm', /component components\/nowhere\.wasm cannot be read: no such file/],
    ['a trap at start', 'test/fixtures/start-trap/start-trap.wasm', /^child "counter" keeps its component: swapping in test\/fixtures\/start-trap\/start-trap\.wasm failed: child "counter" could not start: unreachable$/],
  ])('of %s fails, and the old one keeps running', async (_, component, message) => {
    const { host } = await started(counterScenario(COUNTER));
    await host.publish('input', 'a');
    const before = host.state.children['counter'];
    await expect(host.swap('counter', component)).rejects.toThrow(message);
    expect(host.state.children['counter']).toBe(before);
    await host.publish('input', 'b');
    expect(text(host.read('counter/count'))).toBe('2');
  });

  it('that traps on its first update fails, and the old one keeps running', async () => {
    const { host } = await started(`
components: { trapper: ${TRAPPER}, hidden: ${HIDDEN} }
children: { c: { component: hidden, roms: { input: input/input }, reports: [count, echo] } }`);
    await host.publish('input', 'trap');
    await expect(host.swap('c', TRAPPER)).rejects.toThrow('child "c" keeps its component: swapping in test/fixtures/trapper/trapper.wasm failed: child "c" trapped: unreachable');
    expect(host.read('c/echo')).toBeUndefined();
    await host.publish('input', 'again');
    expect(text(host.read('c/count'))).toBe('2');
  });
});

describe('supervision', () => {
  const trapping = (policy: string) => `
components: { trapper: ${TRAPPER} }
children:
  t: { component: trapper, roms: { input: input/input }, reports: [echo] }
  watcher: { component: trapper, roms: { input: host/state }, reports: [echo] }
${policy}`;

  it('restarts a faulted child after its backoff, and reports it in host/state', async () => {
    const { host } = await started(trapping('restart: { max: 3, within_steps: 100, backoff_steps: 1 }'));
    const trapped = await host.publish('input', 'trap');
    expect(trapped.faults.map((f) => f.child)).toEqual(['t']);
    expect(host.state.children['t']).toMatchObject({ status: 'faulted', restartAt: 3, restarts: 0 });
    // The watcher echoes host/state: the fault reached it in the same step.
    expect(JSON.parse(text(host.read('watcher/echo'))!)).toEqual(JSON.parse(text(host.read('host/state'))!));
    expect(JSON.parse(text(host.read('host/state'))!).children.t).toEqual({
      component: host.state.children['t']!.component,
      status: 'faulted',
      restarts: 0,
      restart_at_step: 3,
      fault: { step: 2, code: 'trap', message: 'child "t" trapped: unreachable' },
    });
    await host.publish('input', 'fine');
    expect(host.state.children['t']).toMatchObject({ status: 'running', restarts: 1 });
    expect(text(host.read('t/echo'))).toBe('fine');
  });

  it('quarantines a child that faults past its policy, until restarted by hand', async () => {
    const { host } = await started(trapping('restart: { max: 2, within_steps: 100, backoff_steps: 0 }'));
    // Backoff 0 restarts within the step, on the same ROMs: it traps again, twice, then it is quarantined.
    const result = await host.publish('input', 'trap');
    expect(result.faults.map((f) => f.child)).toEqual(['t', 't', 't']);
    expect(host.state.children['t']).toMatchObject({ status: 'quarantined', restarts: 2 });
    expect(JSON.parse(text(host.read('watcher/echo'))!).children.t.status).toBe('quarantined');
    await host.publish('input', 'fine');
    expect(host.state.children['t']!.status).toBe('quarantined');
    await host.restart('t');
    expect(host.state.children['t']).toMatchObject({ status: 'running', restarts: 3 });
    expect(text(host.read('t/echo'))).toBe('fine');
  });

  it('counts restarts within the window only', async () => {
    const { host } = await started(trapping('restart: { max: 1, within_steps: 3, backoff_steps: 1 }'));
    await host.publish('input', 'trap'); // step 2: fault, restart due at 3
    await host.publish('input', 'ok'); // step 3: restarted (1 in window)
    await host.publish('input', 'x'); // step 4
    await host.publish('input', 'y'); // step 5
    await host.publish('input', 'trap'); // step 6: the restart at 3 is out of the window: restart again
    expect(host.state.children['t']).toMatchObject({ status: 'faulted', restarts: 1 });
    await host.publish('input', 'ok'); // step 7: restarted
    await host.publish('input', 'trap'); // step 8: the restart at 7 is in the window: quarantined
    expect(host.state.children['t']).toMatchObject({ status: 'quarantined', restarts: 2 });
  });
});

describe('live scenario changes', () => {
  const V1 = `
components: { counter: ${COUNTER}, adder: components/adder-wat/adder-wat.wasm, trapper: ${TRAPPER} }
children:
  counter: { component: counter, roms: { input: input/input, state: counter/state }, reports: [count, state] }
  plus-one: { component: adder, roms: { in: counter/count }, reports: [out] }
  greeter: { component: trapper, config: { input: hello }, reports: [echo] }
`;

  it('start new children, stop removed ones, restart changed ones, deliver config without a restart', async () => {
    const { host } = await started(V1);
    const events: string[] = [];
    host.lifecycle$.subscribe((e) => events.push(`${e.child} ${e.action}`));
    await host.publish('input', 'a');
    expect(text(host.read('greeter/echo'))).toBe('hello');
    const V2 = V1.replace('config: { input: hello }', 'config: { input: world }')
      .replace("plus-one: { component: adder, roms: { in: counter/count }, reports: [out] }", 'plus-two: { component: adder, roms: { in: plus-one/out }, reports: [out] }\n  plus-one: { component: adder, roms: { in: counter/count }, reports: [out] }')
      .replace('counter: { component: counter, roms: { input: input/input, state: counter/state }', 'counter: { component: counter, roms: { input: input/other, state: counter/state }');
    await host.apply(scenario(V2));
    expect(host.state.applied).toEqual({ step: 3, file: scenario(V2).file, started: ['plus-two'], stopped: [], restarted: ['counter'], reconfigured: ['greeter'] });
    expect(events).toEqual(['counter restarted', 'greeter reconfigured', 'plus-two started']);
    expect(JSON.parse(text(host.read('host/state'))!).applied).toEqual({
      step: 3,
      started: ['plus-two'],
      stopped: [],
      restarted: ['counter'],
      reconfigured: ['greeter'],
    });
    expect(text(host.read('greeter/echo'))).toBe('world');
    expect(host.state.children['greeter']!.restarts).toBe(0);
    expect(text(host.read('plus-two/out'))).toBe('3');
    // The counter now counts input/other, from its kept state.
    await host.publish('other', 'x');
    expect(text(host.read('counter/count'))).toBe('2');

    await host.apply(scenario(V1));
    expect(host.state.applied).toMatchObject({ started: [], stopped: ['plus-two'], restarted: ['counter'], reconfigured: ['greeter'] });
    expect(host.read('plus-two/out')).toBeUndefined();
    expect(Object.keys(host.state.children)).toEqual(['counter', 'greeter', 'plus-one']);
  });

  it('restarts a child whose component file changed on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'romhost-apply-'));
    copyFileSync(COUNTER, join(dir, 'counter.wasm'));
    const yaml = `components: { c: counter.wasm }\nchildren: { counter: { component: c, roms: { input: input/input, state: counter/state }, reports: [count, state] } }\n`;
    const host = createHost();
    await host.apply(parseScenario(yaml, join(dir, 'scenario.yaml')));
    await host.apply(parseScenario(yaml, join(dir, 'scenario.yaml')));
    expect(host.state.applied).toMatchObject({ started: [], stopped: [], restarted: [], reconfigured: [] });
    copyFileSync(HIDDEN, join(dir, 'counter.wasm'));
    await host.apply(parseScenario(yaml, join(dir, 'scenario.yaml')));
    expect(host.state.applied).toMatchObject({ restarted: ['counter'] });
    expect(host.state.children['counter']!.component).not.toBe(readFileSync(COUNTER).length);
  });

  it('leaves the host as it was when the new scenario has a bad component', async () => {
    const { host } = await started(V1);
    const before = host.state;
    await expect(host.apply(scenario(V1.replace(TRAPPER, 'test/fixtures/printer/printer.wasm')))).rejects.toThrow(/does not grant/);
    expect(host.state).toBe(before);
  });
});
