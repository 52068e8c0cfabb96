import { describe, expect, it } from 'vitest';
import { Engine, type StepEvent } from '../host/index.js';
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

describe('host.step: an event run at once, for a program that holds its events at hand', () => {
  const enc = (s: string) => new TextEncoder().encode(s);

  it('runs inputs and lifecycle commands as publish and kill do, step for step', async () => {
    const queued = await started(COUNTER_CHAIN);
    const now = await started(COUNTER_CHAIN);
    const events = [queued, now].map(({ host }) => {
      const seen: string[] = [];
      host.events$.subscribe((e) => seen.push(`${e.step} ${e.kind}`));
      return seen;
    });
    for (const input of ['a', 'b', 'b']) await queued.host.publish('input', input);
    await queued.host.restart('counter');
    await queued.host.hibernate('plus-one');
    await queued.host.publish('input', 'c');
    await queued.host.kill('plus-one');

    const results = [
      ...['a', 'b', 'b'].map((input) => now.host.step({ kind: 'publish', source: 'input/input', content: enc(input) })),
      now.host.step({ kind: 'restart', child: 'counter' }),
      now.host.step({ kind: 'hibernate', child: 'plus-one' }),
      now.host.step({ kind: 'publish', source: 'input/input', content: enc('c') }),
      now.host.step({ kind: 'kill', child: 'plus-one' }),
    ];
    expect(results.map((r) => r.step)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(now.changes).toEqual(queued.changes);
    expect(events[1]).toEqual(events[0]);
    expect(now.host.state).toEqual(queued.host.state);
    expect(text(now.host.read('counter/count'))).toBe('3');
  });

  it('keeps an input as it is given: the caller hands it over', async () => {
    const { host } = await started(COUNTER_CHAIN);
    const content = enc('a');
    host.step({ kind: 'publish', source: 'input/input', content });
    expect(host.read('input/input')).toBe(content);
  });

  it('throws what publish or kill would reject with, and takes no step', async () => {
    const { host } = await started(COUNTER_CHAIN);
    expect(() => host.step({ kind: 'publish', source: 'input/no good', content: enc('a') })).toThrow(
      'host.step publishes to an input source, input/NAME (e.g. input/pointer or input/room/1/msg), not "input/no good"',
    );
    expect(() => host.step({ kind: 'publish', source: 'counter/count', content: enc('a') })).toThrow('not "counter/count"');
    expect(() => host.step({ kind: 'kill', child: 'nobody' })).toThrow('no child is called "nobody"');
    // From JavaScript, any object: an apply or a swap loads components first.
    expect(() => host.step({ kind: 'swap', child: 'counter' } as unknown as StepEvent)).toThrow(
      'host.step runs a publish, kill, restart or hibernate, not "swap": an apply or swap loads components first; use host.apply or host.swap',
    );
    expect(host.state.step).toBe(1);
    expect(host.step({ kind: 'publish', source: 'input/input', content: enc('a') }).step).toBe(2);
  });

  it('refuses to run while a step is under way, and on a host whose steps end once durable', async () => {
    const { host } = await started(COUNTER_CHAIN);
    let refused: unknown;
    const untap = host.tap({
      event: () => {
        try {
          host.step({ kind: 'publish', source: 'input/input', content: enc('inner') });
        } catch (e) {
          refused = e;
        }
      },
      report: () => {},
      fault: () => {},
      lifecycle: () => {},
    });
    host.step({ kind: 'publish', source: 'input/input', content: enc('a') });
    untap();
    expect(refused).toMatchObject({ code: 'step-not-now', message: expect.stringContaining('a step is under way or queued') });
    expect(text(host.read('input/input'))).toBe('a');

    const durable = await started(COUNTER_CHAIN, { durable: async () => {} });
    expect(() => durable.host.step({ kind: 'kill', child: 'counter' })).toThrow("host.step cannot run now: this host's steps end once they are durable");
  });

  it('runs what was published from inside its step after it, in turn', async () => {
    const { host, changes } = await started(COUNTER_CHAIN);
    let published: Promise<unknown> | undefined;
    const untap = host.tap({
      event: (step) => {
        if (step === 2) published = host.publish('input', 'inner');
      },
      report: () => {},
      fault: () => {},
      lifecycle: () => {},
    });
    expect(host.step({ kind: 'publish', source: 'input/input', content: enc('outer') }).step).toBe(2);
    untap();
    await expect(published).resolves.toEqual({ step: 3, faults: [] });
    expect(changes.slice(-3)).toEqual(['counter/count=2@3', 'counter/state=2\ninner@3', 'plus-one/out=3@3']);
  });
});
