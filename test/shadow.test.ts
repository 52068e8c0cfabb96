import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertReplays, createHost, loadScenario, recordJournal, type Fault, type Host, type HostEvent, type ShadowEvent } from '../host/index.js';
import { jsonLines, romhost } from './support/cli.js';
import { scenario, started, text } from './support/scenarios.js';

/** Shadow swap (docs/lifecycle.md): a candidate beside a live child, diffed live, promoted atomically. */

const COUNTER_SCENARIO = 'examples/counter/scenario.yaml';
const COUNTER = 'components/counter-wat/counter-wat.wasm';
const COUNTER_C = 'components/counter-c/counter-c.wasm';
const COUNTER_RUST = 'components/counter-rust/counter-rust.wasm';
const HIDDEN = 'components/counter-hidden-wat/counter-hidden-wat.wasm';
const TRAPPER = 'test/fixtures/trapper/trapper.wasm';
const hostile = (name: string) => `test/hostile/${name}/${name}.wasm`;

const hash = expect.stringMatching(/^[0-9a-f]{64}$/);

/** A host on the counter example, with every shadow event and host event recorded. */
async function counterHost(): Promise<{ host: Host; shadows: ShadowEvent[]; events: HostEvent[] }> {
  const host = createHost();
  const shadows: ShadowEvent[] = [];
  const events: HostEvent[] = [];
  host.shadow$.subscribe((e) => shadows.push(e));
  host.events$.subscribe((e) => events.push(e));
  await host.apply(await loadScenario(COUNTER_SCENARIO));
  return { host, shadows, events };
}

/** A host on `yaml` (component paths from the repository's root), with every shadow event and fault recorded. */
async function shadowed(yaml: string): Promise<{ host: Host; shadows: ShadowEvent[]; faults: Fault[] }> {
  const { host, faults } = await started(yaml);
  const shadows: ShadowEvent[] = [];
  host.shadow$.subscribe((e) => shadows.push(e));
  return { host, shadows, faults };
}

/** Shadow events as short strings: `step kind report live→candidate`. */
const told = (events: readonly ShadowEvent[]) =>
  events.map((e) => {
    switch (e.kind) {
      case 'divergence':
        return `${e.step} ${e.child} ${e.report} ${text(e.live) ?? '∅'}→${text(e.candidate) ?? '∅'}`;
      case 'agreed':
        return `${e.step} ${e.child} ${e.report} agreed`;
      case 'started':
        return `${e.step} ${e.child} started`;
      case 'fault':
        return `${e.step} ${e.child} fault ${e.code}`;
      case 'dropped':
        return `${e.step} ${e.child} dropped ${e.reason}`;
    }
  });

describe('a shadow beside a live child', () => {
  it('counter-hidden-wat beside counter-wat: count agrees until a restart loses the hidden count', async () => {
    const { host, shadows } = await counterHost();
    await host.publish('input', 'a');
    await host.shadow('counter', HIDDEN);
    await host.publish('input', 'b');
    await host.publish('input', 'c');
    // It never submits `state`: that differs from the start, and each new live state is a new pair.
    expect(told(shadows)).toEqual(['2 counter started', '2 counter state 1\na→∅', '3 counter state 2\nb→∅', '4 counter state 3\nc→∅']);

    shadows.length = 0;
    await host.restart('counter'); // step 5: the shadow restarts with it, and its count starts again
    await host.publish('input', 'd');
    await host.publish('input', 'd'); // the same value: no update, no comparison
    expect(told(shadows).filter((e) => e.includes(' count '))).toEqual(['5 counter count 3→1', '6 counter count 4→2']);
    expect(host.state.children['counter']?.shadow).toEqual({ component: hash, divergences: 6, diverging: ['count', 'state'] });
    expect(host.state.children['counter']?.shadow?.component).not.toBe(host.state.children['counter']?.component);
    expect(text(host.shadowReports('counter')?.get('count'))).toBe('2');
  });

  it.each([
    ['counter-c', COUNTER_C],
    ['counter-rust', COUNTER_RUST],
  ])('%s beside counter-wat: not one divergence over many inputs, restarts and repeats', async (_, candidate) => {
    const { host, shadows } = await counterHost();
    await host.shadow('counter', candidate);
    for (let i = 0; i < 60; i++) {
      await host.publish('input', ['x', 'y', 'x', `n${i}`, '', '\u00ff'][i % 6]!);
      if (i % 17 === 0) await host.restart('counter');
    }
    expect(text(host.read('counter/count'))).toBe('60');
    expect(told(shadows)).toEqual(['1 counter started']);
    expect(host.state.children['counter']?.shadow).toEqual({ component: hash, divergences: 0, diverging: [] });
  });

  it('routes nothing a candidate reports: reports(), reports$, values$, other children and host/state are those of a run without it', async () => {
    const run = async (shadowed: boolean) => {
      const host = createHost();
      const seen: string[] = [];
      host.reports$.subscribe((c) => seen.push(`report ${c.source}=${text(c.content)}@${c.step}`));
      host.values$.subscribe((v) => seen.push(`value ${v.source}=${text(v.content)}`));
      host.events$.subscribe((e) => seen.push(`event ${e.kind}@${e.step}`));
      await host.apply(await loadScenario(COUNTER_SCENARIO));
      for (const input of ['a', 'b', 'c', 'd']) {
        if (shadowed && input === 'b') await host.shadow('counter', HIDDEN);
        if (input === 'c') await host.restart('counter');
        if (shadowed && input === 'd') await host.unshadow('counter');
        await host.publish('input', input);
      }
      return { seen, reports: host.reports(), state: host.read('host/state'), step: host.state.step };
    };
    const plain = await run(false);
    const shadowed = await run(true);
    // A shadow takes no step, emits no event and changes no value: a journal of the shadowed run replays without it.
    expect(shadowed).toEqual(plain);
    expect(text(shadowed.reports.get('plus-one/out'))).toBe('5');
  });

  it('is not in the journal: a run with shadows records what the same run without them does, and replays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'romhost-shadow-'));
    const record = async (file: string, shadowed: boolean) => {
      const host = createHost();
      const journal = recordJournal(host, join(dir, file));
      await host.apply(await loadScenario(COUNTER_SCENARIO));
      await host.publish('input', 'a');
      if (shadowed) await host.shadow('counter', HIDDEN);
      await host.publish('input', 'b');
      await host.restart('counter');
      if (shadowed) await host.unshadow('counter');
      if (shadowed) await host.shadow('counter', COUNTER_C);
      await host.publish('input', 'c');
      // The promotion is recorded as the swap it is.
      await (shadowed ? host.promote('counter') : host.swap('counter', COUNTER_C));
      await host.publish('input', 'd');
      await journal.close();
      await host.close();
      return readFileSync(join(dir, file), 'utf8');
    };
    const plain = await record('plain.journal', false);
    expect(await record('shadowed.journal', true)).toBe(plain);
    expect(plain).toContain('"swap":"counter"');
    await assertReplays(join(dir, 'shadowed.journal'));
  });

  it('runs under the child\'s limits, but its updates do not count toward updates_per_step', async () => {
    const chain = (budget: number) => `
components: { counter: ${COUNTER}, adder: components/adder-wat/adder-wat.wasm }
limits: { updates_per_step: ${budget} }
children:
  counter: { component: counter, roms: { input: input/input, state: counter/state }, reports: [count, state] }
  plus-one: { component: adder, roms: { in: counter/count }, reports: [out] }`;
    // Three updates settle a step (counter, counter again on its own state, plus-one): two do not.
    const tight = await started(chain(2));
    expect((await tight.host.publish('input', 'a')).faults.map((f) => f.code)).toEqual(['cycle']);
    const { host, faults } = await started(chain(3));
    await host.shadow('counter', COUNTER_C);
    for (const input of ['a', 'b', 'c']) expect((await host.publish('input', input)).faults).toEqual([]);
    expect(faults).toEqual([]);
    expect(host.state.children['counter']?.shadow?.divergences).toBe(0);
  });
});

describe('promote', () => {
  it('swaps the child to the candidate exactly as swap does, recorded as a swap, and drops the shadow', async () => {
    const { host, shadows, events } = await counterHost();
    const changes: string[] = [];
    host.reports$.subscribe((c) => changes.push(`${c.source}=${text(c.content)}@${c.step}`));
    await host.publish('input', 'a');
    await host.shadow('counter', resolve(HIDDEN));
    await host.publish('input', 'b');
    const candidate = host.state.children['counter']!.shadow!.component;
    events.length = 0;
    shadows.length = 0;
    changes.length = 0;

    const result = await host.promote('counter');
    expect(result).toEqual({ step: 4, faults: [] });
    expect(events).toEqual([{ step: 4, kind: 'swap', child: 'counter', component: candidate, path: resolve(HIDDEN) }]);
    expect(told(shadows)).toEqual(['4 counter dropped promoted']);
    expect(host.state.children['counter']).toMatchObject({ component: candidate, status: 'running' });
    expect(host.state.children['counter']?.shadow).toBeUndefined();
    expect(host.shadowReports('counter')).toBeUndefined();
    // A fresh instance of the candidate, as a swap gives: its hidden count starts again from its start update.
    expect(changes).toEqual(['counter/count=1@4', 'plus-one/out=2@4']);
    await host.publish('input', 'c');
    expect(changes.slice(2)).toEqual(['counter/count=2@5', 'plus-one/out=3@5']);
  });

  it('of a child with no shadow, or of an unknown child, says so and takes no step', async () => {
    const { host } = await counterHost();
    await expect(host.promote('counter')).rejects.toThrow(
      'child "counter" has no shadow to promote or stop: start one first (host.shadow, or {"shadow": "counter", "component": "PATH.wasm"})',
    );
    await expect(host.unshadow('counter')).rejects.toMatchObject({ code: 'no-shadow' });
    await expect(host.promote('ghost')).rejects.toThrow(/^no child is called "ghost" \(children: counter, plus-one\)$/);
    await expect(host.shadow('ghost', COUNTER_C)).rejects.toMatchObject({ code: 'unknown-child' });
    await expect(host.unshadow('ghost')).rejects.toMatchObject({ code: 'unknown-child' });
    expect(host.state.step).toBe(1);
  });
});

describe('a candidate that fails', () => {
  const TRAP_SCENARIO = `
components: { trapper: ${TRAPPER} }
limits: { fuel: 200000 }
children:
  t: { component: trapper, roms: { input: input/input }, reports: [echo, ok] }`;

  it('is dropped with its fault on shadow$ when it traps; the child runs on and faults$ hears nothing', async () => {
    const { host, shadows, faults } = await shadowed(TRAP_SCENARIO);
    await host.shadow('t', hostile('trap-in-update'));
    await host.publish('input', 'x');
    const result = await host.publish('input', 'go');
    expect(result.faults).toEqual([]);
    expect(faults).toEqual([]);
    expect(shadows.at(-1)).toEqual({ kind: 'fault', step: 3, child: 't', component: hash, code: 'trap', message: 'child "t" trapped: unreachable' });
    expect(host.state.children['t']).toMatchObject({ status: 'running', restarts: 0 });
    expect(host.state.children['t']?.shadow).toBeUndefined();
    expect(text(host.read('t/echo'))).toBe('go');
    expect(host.read('t/ok')).toBeUndefined(); // the candidate's `ok` was never routed
    await host.publish('input', 'y');
    expect(text(host.read('t/echo'))).toBe('y');
    expect(shadows.filter((e) => e.step === 4)).toEqual([]);
  });

  it('is stopped by the child\'s fuel limit, deterministically', async () => {
    const { host, shadows, faults } = await shadowed(TRAP_SCENARIO);
    await host.shadow('t', hostile('endless-loop'));
    await host.publish('input', 'go');
    expect(shadows.at(-1)).toMatchObject({ kind: 'fault', step: 2, code: 'fuel-exhausted', message: expect.stringMatching(/^child "t" ran out of fuel: more than 200000 instructions/) });
    expect(faults).toEqual([]);
    expect(text(host.read('t/echo'))).toBe('go');
  });

  it('to load or start is refused with the child and the component named, and changes nothing', async () => {
    const { host, shadows } = await counterHost();
    const state = host.state;
    await expect(host.shadow('counter', 'test/fixtures/not-wasm/not-wasm.wasm')).rejects.toThrow(
      /^child "counter" runs on unshadowed: its candidate test\/fixtures\/not-wasm\/not-wasm\.wasm failed: component .*not-wasm\.wasm is not WebAssembly/,
    );
    await expect(host.shadow('counter', 'no/such.wasm')).rejects.toMatchObject({ code: 'shadow-failed', message: expect.stringMatching(/no such file/) });
    await expect(host.shadow('counter', hostile('trap-at-start'))).rejects.toThrow(/^child "counter" runs on unshadowed: its candidate .*trap-at-start\.wasm failed: child "counter" could not start/);
    // trapper submits `echo`, which the counter does not declare: a fault of its start update.
    await expect(host.shadow('counter', TRAPPER)).rejects.toThrow(/^child "counter" runs on unshadowed: its candidate .*trapper\.wasm failed: child "counter" submitted report "echo", which the scenario does not declare/);
    await expect(host.shadow('counter', new Uint8Array([0, 1, 2]))).rejects.toThrow(/^child "counter" runs on unshadowed: its candidate bytes for counter failed/);
    expect(host.state).toBe(state);
    expect(shadows).toEqual([]);
  });

  it('leaves a running shadow in place when its replacement fails', async () => {
    const { host } = await counterHost();
    await host.shadow('counter', HIDDEN);
    const shadow = host.state.children['counter']?.shadow;
    await expect(host.shadow('counter', TRAPPER)).rejects.toMatchObject({ code: 'shadow-failed' });
    expect(host.state.children['counter']?.shadow).toBe(shadow);
    await host.shadow('counter', COUNTER_C); // a good one takes its place
    expect(host.state.children['counter']?.shadow).toEqual({ component: hash, divergences: 0, diverging: [] });
  });
});

describe('the shadow and the child\'s lifecycle', () => {
  it('goes when the child is killed, and a restart does not bring it back', async () => {
    const { host, shadows } = await counterHost();
    await host.shadow('counter', COUNTER_C);
    await host.kill('counter');
    expect(told(shadows).at(-1)).toBe('2 counter dropped killed');
    expect(host.state.children['counter']?.shadow).toBeUndefined();
    await host.restart('counter');
    await host.publish('input', 'a');
    expect(host.state.children['counter']?.shadow).toBeUndefined();
    // Shadowing a stopped child is allowed: it compares with the reports the child left.
    await host.kill('counter');
    await host.shadow('counter', HIDDEN);
    expect(host.state.children['counter']).toMatchObject({ status: 'stopped', shadow: { diverging: ['state'] } });
  });

  it('goes when the child is swapped, removed or replaced by a scenario change', async () => {
    const { host, shadows } = await counterHost();
    await host.shadow('counter', COUNTER_C);
    await host.swap('counter', COUNTER_RUST);
    expect(told(shadows).at(-1)).toBe('2 counter dropped swapped');

    await host.shadow('counter', COUNTER_C);
    await host.shadow('plus-one', 'components/adder-wat/adder-wat.wasm');
    const base = await loadScenario(COUNTER_SCENARIO);
    // counter's routes change (it restarts), plus-one is gone.
    await host.apply(
      scenario(`
components: { counter: ${COUNTER} }
children:
  counter: { component: counter, roms: { input: input/other, state: counter/state }, reports: [count, state] }`),
    );
    expect(told(shadows).slice(-2).sort()).toEqual(['3 counter dropped replaced', '3 plus-one dropped removed']);
    expect(Object.values(host.state.children).map((c) => c.shadow)).toEqual([undefined]);
    expect(base.children.length).toBe(2);
  });

  it('follows a config change the child follows running, and reads the new value as the child does', async () => {
    const configured = (value: string) =>
      scenario(`
components: { trapper: ${TRAPPER} }
children:
  t: { component: trapper, config: { input: ${value} }, reports: [echo, ok] }`);
    const host = createHost();
    const shadows: ShadowEvent[] = [];
    host.shadow$.subscribe((e) => shadows.push(e));
    await host.apply(configured('one'));
    await host.shadow('t', hostile('trap-in-update'));
    await host.apply(configured('two'));
    expect(host.state.applied?.reconfigured).toEqual(['t']);
    expect(text(host.read('t/echo'))).toBe('two');
    expect(text(host.shadowReports('t')?.get('ok'))).toBe('two');
    await host.apply(configured('go')); // the candidate traps on `go`
    expect(told(shadows).at(-1)).toBe('3 t fault trap');
    expect(text(host.read('t/echo'))).toBe('go');
  });

  it('is stopped by unshadow, a replacing shadow drops the one before', async () => {
    const { host, shadows, events } = await counterHost();
    await host.shadow('counter', COUNTER_C);
    await host.shadow('counter', COUNTER_RUST);
    expect(await host.unshadow('counter')).toEqual({ step: 1, faults: [] });
    expect(told(shadows)).toEqual(['1 counter started', '1 counter dropped superseded', '1 counter started', '1 counter dropped unshadowed']);
    expect(events.map((e) => e.kind)).toEqual(['apply']);
  });

  it('restarts with the child when the supervisor restarts it after a fault', async () => {
    const { host, shadows, faults } = await shadowed(`
components: { trapper: ${TRAPPER} }
children:
  t: { component: trapper, roms: { input: input/input }, reports: [echo, count] }`);
    // counter-hidden-wat counts the updates that list `input`: its count shows when its instance is fresh.
    await host.shadow('t', HIDDEN);
    for (const input of ['a', 'b', 'c']) await host.publish('input', input);
    expect(text(host.shadowReports('t')?.get('count'))).toBe('3');
    await host.publish('input', 'trap'); // step 5: the child faults, its shadow does not run
    expect(faults.map((f) => `${f.step} ${f.child} ${f.code}`)).toEqual(['5 t trap']);
    expect(text(host.shadowReports('t')?.get('count'))).toBe('3');
    await host.publish('input', 'd'); // step 6: the supervisor restarts t, and its shadow with it
    expect(host.state.children['t']).toMatchObject({ status: 'running', restarts: 1 });
    expect(told(shadows).filter((e) => e.includes(' count '))).toEqual(['1 t count ∅→0', '2 t count ∅→1', '3 t count ∅→2', '4 t count ∅→3', '6 t count ∅→1']);
    expect(host.state.children['t']?.shadow?.diverging).toEqual(['echo', 'count']);
  });
});

describe('romhost run: shadow, promote, unshadow', () => {
  it('reads them from stdin and prints what the shadow does as JSON lines', async () => {
    const stdin = [
      '{"rom": "input/input", "text": "a"}',
      `{"shadow": "counter", "component": "${HIDDEN}"}`,
      '{"rom": "input/input", "text": "b"}',
      '{"restart": "counter"}',
      '{"promote": "counter"}',
      '{"unshadow": "counter"}',
      `{"shadow": "counter", "component": "${COUNTER_C}"}`,
      '{"unshadow": "counter"}',
    ].join('\n');
    const r = await romhost(['run', COUNTER_SCENARIO], stdin);
    expect(r.stderr).toBe(
      'romhost: stdin:6: child "counter" has no shadow to promote or stop: start one first (host.shadow, or {"shadow": "counter", "component": "PATH.wasm"})\n',
    );
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout) as Record<string, unknown>[];
    expect(lines.filter((l) => 'shadow' in l)).toEqual([
      { step: 2, shadow: { child: 'counter', started: hash } },
      { step: 2, shadow: { child: 'counter', report: 'state', live: '1\na', candidate: null } },
      { step: 3, shadow: { child: 'counter', report: 'state', live: '2\nb', candidate: null } },
      { step: 4, shadow: { child: 'counter', report: 'count', live: '2', candidate: '1' } },
      { step: 5, shadow: { child: 'counter', dropped: 'promoted' } },
      // counter-c beside the promoted counter-hidden-wat: it reads the count back from the state
      // counter-wat left, where the fresh hidden count started again.
      { step: 5, shadow: { child: 'counter', started: hash } },
      { step: 5, shadow: { child: 'counter', report: 'count', live: '1', candidate: '2' } },
      { step: 5, shadow: { child: 'counter', dropped: 'unshadowed' } },
    ]);
    expect(lines).toContainEqual({ step: 5, child: 'counter', lifecycle: 'swapped', component: hash });
    expect(lines.filter((l) => l['report'] === 'counter/count').map((l) => [l['step'], l['text']])).toEqual([
      [1, '0'],
      [2, '1'],
      [3, '2'],
      [5, '1'],
    ]);
  });

  it('says what a line needs', async () => {
    const r = await romhost(['run', COUNTER_SCENARIO], '{"shadow": "counter"}\n{"promote": "counter", "component": "x.wasm"}\n');
    expect(r.stderr.split('\n').filter(Boolean).map((l) => l.slice(0, 60))).toEqual([
      'romhost: stdin:1: not a command: {"shadow": "counter"}; a li',
      'romhost: stdin:2: not a command: {"promote": "counter", "com',
    ]);
    expect(r.stderr).toContain('{"shadow": "CHILD", "component": "PATH.wasm"}, {"promote": "CHILD"}, {"unshadow": "CHILD"} or {"snapshot": "PATH"}');
  });
});
