import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { windowManager } from '../bench/window-manager.js';
import { Engine, type Host, type LifecycleEvent } from '../host/index.js';
import { romhost, jsonLines } from './support/cli.js';
import { COUNTER_CHAIN, started, text } from './support/scenarios.js';

/**
 * Hibernation (DESIGN §7): a child drops its instance, by hand or when more than `max_warm` are
 * warm, and wakes with a fresh one when one of its ROMs changes. For a pure component that is
 * invisible: no report differs from a run that never slept.
 */

let hosts: Host[] = [];
afterEach(async () => {
  for (const host of hosts) await host.close();
  hosts = [];
});

async function host(yaml: string): Promise<{ host: Host; changes: string[]; lifecycle: string[] }> {
  const run = await started(yaml);
  hosts.push(run.host);
  const lifecycle: string[] = [];
  run.host.lifecycle$.subscribe((e: LifecycleEvent) => lifecycle.push(`${e.child} ${e.action}@${e.step}`));
  return { ...run, lifecycle };
}

const status = (h: Host, child: string) => h.state.children[child]?.status;
const hostState = (h: Host) => JSON.parse(text(h.read('host/state'))!) as { children: Record<string, { status: string }> };
const reports = (h: Host) => JSON.stringify(Object.fromEntries([...h.reports()].map(([k, v]) => [k, text(v)])));

/** Four counters, each on an input of its own, at most two warm. */
const FOUR = `
components: { counter: components/counter-wat/counter-wat.wasm }
limits: { max_warm: 2 }
children:
${[1, 2, 3, 4].map((n) => `  c${n}: { component: counter, roms: { input: input/c${n}, state: c${n}/state }, reports: [count, state] }`).join('\n')}
`;

describe('hibernation', () => {
  it('drops the instance by hand, shows it in host/state, and wakes on a change of its ROMs as if it had never slept', async () => {
    const { host: h, lifecycle } = await host(COUNTER_CHAIN);
    await h.publish('input', 'a');
    const result = await h.hibernate('counter');
    expect(status(h, 'counter')).toBe('hibernated');
    expect(hostState(h).children['counter']?.status).toBe('hibernated');
    expect(lifecycle).toContain(`counter hibernated@${result.step}`);
    expect(text(h.read('counter/count'))).toBe('1'); // its reports stay

    const woke = await h.publish('input', 'b');
    expect(lifecycle).toContain(`counter woken@${woke.step}`);
    expect(status(h, 'counter')).toBe('running');
    expect(text(h.read('counter/count'))).toBe('2');
    expect(text(h.read('plus-one/out'))).toBe('3');
  });

  it('really drops the instance: a component that keeps hidden state forgets it (why components must be pure)', async () => {
    const { host: h } = await host(COUNTER_CHAIN.replace('components/counter-wat/counter-wat.wasm', 'components/counter-hidden-wat/counter-hidden-wat.wasm'));
    await h.publish('input', 'a');
    await h.publish('input', 'b');
    expect(text(h.read('counter/count'))).toBe('2');
    await h.hibernate('counter');
    await h.publish('input', 'c');
    expect(text(h.read('counter/count'))).toBe('1');
  });

  it('stays asleep while nothing it reads changes, and hibernating twice is nothing', async () => {
    const { host: h, lifecycle } = await host(FOUR.replace('max_warm: 2', 'max_warm: 100'));
    await h.hibernate('c1');
    await h.hibernate('c1');
    await h.publish('c2', 'x');
    expect(status(h, 'c1')).toBe('hibernated');
    expect(lifecycle.filter((l) => l.startsWith('c1 hibernated'))).toHaveLength(1);
  });

  it('keeps at most max_warm children warm, hibernating the least recently updated', async () => {
    const { host: h } = await host(FOUR);
    // All four started in the first step, which ended by cooling down to two: the first two started.
    expect(['c1', 'c2', 'c3', 'c4'].map((c) => status(h, c))).toEqual(['hibernated', 'hibernated', 'running', 'running']);
    await h.publish('c3', 'x');
    expect(['c1', 'c2', 'c3', 'c4'].map((c) => status(h, c))).toEqual(['hibernated', 'hibernated', 'running', 'running']);
    await h.publish('c1', 'x'); // wakes c1: three warm, so c4, the least recently updated, hibernates before the step ends
    expect(['c1', 'c2', 'c3', 'c4'].map((c) => status(h, c))).toEqual(['running', 'hibernated', 'running', 'hibernated']);
    await h.publish('c2', 'x'); // c3 is now the least recently updated
    expect(['c1', 'c2', 'c3', 'c4'].map((c) => status(h, c))).toEqual(['running', 'running', 'hibernated', 'hibernated']);
    expect(['c1', 'c2', 'c3', 'c4'].map((c) => text(h.read(`${c}/count`)))).toEqual(['1', '1', '1', '0']);
  });

  it('wakes each child with a memory as fresh as a new one, though it is a memory another child slept on', async () => {
    // test/fixtures/snoop reports what it finds in memory it never wrote, then writes all over it.
    const engine = new Engine();
    const { host: h, faults } = await started(
      `components: { snoop: test/fixtures/snoop/snoop.wasm }
limits: { max_warm: 2 }
children:
  room/*: { component: snoop, roms: { input: input/room/*/msg }, reports: [seen] }`,
      { engine },
    );
    const seen = (k: number) => {
      const bytes = Buffer.from(h.read(`room/${k}/seen`)!);
      return [bytes.readUInt32LE(0), bytes.readUInt32LE(4)];
    };
    // With two warm, each of these wakes a child (or starts one), and a step's cool-down then hibernates one.
    for (const [i, k] of [0, 1, 2, 3, 0, 1, 2, 3].entries()) {
      await h.publish(`room/${k}/msg`, `x${i}`);
      expect(seen(k), `room ${k}`).toEqual([1, 0]);
    }
    await h.publish('room/3/msg', 'again'); // warm: it sees its own writes, as it would another's
    expect(seen(3)).toEqual([1, 32768]);
    await h.publish('room/3/msg', 'grow'); // it grows its memory, which no other child may then be given
    await h.publish('room/2/msg', 'trap'); // it traps with its memory dirty
    for (const k of [4, 5, 6, 7, 0, 1]) {
      await h.publish(`room/${k}/msg`, 'y');
      expect(seen(k), `room ${k}`).toEqual([1, 0]);
    }
    // Its restarts trap again on the same input, until the restart policy gives up.
    expect(new Set(faults.map((f) => `${f.child} ${f.code}`))).toEqual(new Set(['room/2 trap']));
    // In use at once: max_warm + 1 (a wake takes one before its step's cool-down gives one back), and
    // one more while room/2 restarts beside the wakes; one more replaced the memory that grew. Every
    // other start (17 in all) took a memory given back.
    expect(engine.stats().instances).toEqual({ made: 5, reused: 12 });
  });

  it('wakes each child on an instance as new, its globals reset, though another child ran on it', async () => {
    // test/fixtures/counter-cached counts in a wasm global it trusts over its state ROM: a fresh
    // instance counts from 0 again, and so must one that another member ran on.
    const engine = new Engine();
    const { host: h } = await started(
      `components: { cached: test/fixtures/counter-cached/counter-cached.wasm }
limits: { max_warm: 1 }
children:
  room/*: { component: cached, roms: { input: input/room/*/msg, state: room/*/state }, reports: [count, state] }`,
      { engine },
    );
    const count = async (room: string, input: string) => (await h.publish(`room/${room}/msg`, input), text(h.read(`room/${room}/count`)));
    expect([await count('a', 'x1'), await count('a', 'x2')]).toEqual(['1', '2']); // warm: the cache counts on
    expect(await count('b', 'y1')).toBe('1'); // a new instance; a hibernates, its instance goes back
    expect(await count('a', 'x3')).toBe('1'); // woken on a's old instance, made new: the cache is 0 again
    expect(await count('b', 'y2')).toBe('1'); // and b on its own
    expect(engine.stats().instances.reused).toBe(2);
  });

  it('refuses a child that is not running, and kill, restart and swap work on a hibernating one', async () => {
    const { host: h } = await host(COUNTER_CHAIN);
    await h.kill('plus-one');
    await expect(h.hibernate('plus-one')).rejects.toThrow('child "plus-one" is stopped: only a running child hibernates (restart it first)');
    await expect(h.hibernate('ghost')).rejects.toThrow(/^no child is called "ghost"/);

    await h.hibernate('counter');
    await h.restart('counter');
    expect(status(h, 'counter')).toBe('running');
    await h.hibernate('counter');
    await h.swap('counter', 'components/counter-rust/counter-rust.wasm');
    expect(status(h, 'counter')).toBe('running');
    await h.hibernate('counter');
    await h.kill('counter');
    expect(status(h, 'counter')).toBe('stopped');
    await h.publish('input', 'z'); // a stopped child does not wake
    expect(status(h, 'counter')).toBe('stopped');
  });

  it('changes no report, hibernating at any point (property, on the counter chain)', async () => {
    const step = fc.oneof(
      fc.record({ input: fc.constantFrom('a', 'b', 'c', '') }),
      fc.record({ hibernate: fc.constantFrom('counter', 'plus-one') }),
    );
    let slept = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const run = async (sleep: boolean) => {
          const { host: h, lifecycle } = await host(COUNTER_CHAIN);
          lifecycle.length = 0;
          const seen: string[] = [];
          for (const s of steps) {
            if ('input' in s) await h.publish('input', s.input), seen.push(reports(h));
            else if (sleep && status(h, s.hibernate) === 'running') await h.hibernate(s.hibernate);
          }
          slept += lifecycle.filter((l) => / woken@/.test(l)).length;
          return seen;
        };
        expect(await run(true)).toEqual(await run(false));
      }),
      { numRuns: 40 },
    );
    expect(slept).toBeGreaterThan(10); // the property did exercise hibernating and waking
  });

  it('changes no report in the window manager, whichever child sleeps when (property)', async () => {
    const event = fc.oneof(
      fc.record({ x: fc.integer({ min: 0, max: 600 }), y: fc.integer({ min: 0, max: 400 }), pressed: fc.boolean() }),
      fc.record({ hibernate: fc.constantFrom('decorator', 'layouter') }),
    );
    let slept = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 30 }), async (events) => {
        const run = async (sleep: boolean) => {
          const h = await windowManager();
          hosts.push(h);
          h.lifecycle$.subscribe((e) => void (e.action === 'woken' && (slept += 1)));
          const seen: string[] = [];
          for (const e of events) {
            if ('x' in e) await h.publish('pointer', JSON.stringify(e)), seen.push(reports(h));
            else if (sleep && status(h, e.hibernate) === 'running') await h.hibernate(e.hibernate);
          }
          return seen;
        };
        expect(await run(true)).toEqual(await run(false));
      }),
      { numRuns: 15 },
    );
    expect(slept).toBeGreaterThan(5);
  });

  it('takes {"hibernate": CHILD} lines in romhost run, and its journal replays', async () => {
    const dir = (await import('node:fs')).mkdtempSync((await import('node:path')).join((await import('node:os')).tmpdir(), 'romhost-hibernate-'));
    const journal = `${dir}/run.journal`;
    const r = await romhost(['run', 'examples/counter/scenario.yaml', '--record', journal], '{"rom":"input/input","text":"a"}\n{"hibernate":"counter"}\n{"rom":"input/input","text":"b"}\n');
    expect(r.stderr).toBe('');
    const lines = jsonLines(r.stdout) as { lifecycle?: string; child?: string }[];
    expect(lines.filter((l) => l.child === 'counter').map((l) => l.lifecycle)).toEqual(['started', 'hibernated', 'woken']);
    const replay = await romhost(['replay', journal]);
    expect(replay.stdout).toMatch(/identical: 4 steps replayed/);
    expect(replay.code).toBe(0);
  }, 60_000);
});
