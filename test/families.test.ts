import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkStateMachine,
  createHost,
  isRomhostError,
  recordRun,
  replayJournal,
  type Host,
  type HostOptions,
  type LifecycleEvent,
} from '../host/index.js';
import { scenario, started, text } from './support/scenarios.js';

/**
 * Families (issue 8, "virtual children"): a child `room/*` stands for members `room/KEY`, each
 * created by the first input that addresses it, hibernating when idle and waking on demand,
 * with nothing kept per hibernated member but its key and its ROM values.
 */

let hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts) await h.close();
  hosts = [];
});

/** Counters, one per room, keeping their count in their own `state`; `seven` adds one to room 7's count. */
const ROOMS = (maxWarm = 10_000, extra = '') => `
components: { counter: components/counter-wat/counter-wat.wasm, adder: components/adder-wat/adder-wat.wasm }
limits: { max_warm: ${maxWarm} }
children:
  room/*:
    component: counter
    roms: { input: input/room/*/msg, state: room/*/state }
    reports: [count, state]${extra}
  seven:
    component: adder
    roms: { in: room/7/count }
    reports: [out]
`;

async function host(yaml: string, options: HostOptions = {}) {
  const run = await started(yaml, options);
  hosts.push(run.host);
  const lifecycle: string[] = [];
  run.host.lifecycle$.subscribe((e: LifecycleEvent) => lifecycle.push(`${e.child} ${e.action}@${e.step}`));
  return { ...run, lifecycle };
}

const read = (h: Host, source: string) => text(h.read(source));
const hostState = (h: Host) =>
  JSON.parse(read(h, 'host/state')!) as { children: Record<string, { status: string }>; families?: Record<string, { members: number; warm: number }> };
const allReports = (h: Host) => JSON.stringify(Object.fromEntries([...h.reports()].map(([k, v]) => [k, text(v)])));

function parseError(yaml: string): string {
  try {
    scenario(yaml);
  } catch (e) {
    if (isRomhostError(e)) return e.message.replace(/^.*inline\.yaml/, 'inline.yaml');
    throw e;
  }
  throw new Error('parsed without an error');
}

describe('a family in the scenario', () => {
  it('parses: the family with its * routes, and a static child routing one member', () => {
    const s = scenario(ROOMS());
    const family = s.children.find((c) => c.name === 'room/*')!;
    expect(family.roms).toEqual({ input: { kind: 'input', name: 'room/*/msg' }, state: { kind: 'report', child: 'room/*', report: 'state' } });
    expect(s.children.find((c) => c.name === 'seven')!.roms).toEqual({ in: { kind: 'report', child: 'room/7', report: 'count' } });
  });

  const head = 'components: { c: c.wasm }\nchildren:\n';
  it.each([
    [
      'a * in a static child',
      '  a: { component: c, roms: { m: input/room/*/msg } }\n',
      'inline.yaml:3: child "a": rom "m" routes to "input/room/*/msg": only a family (a child named NAME/*) may route with *, which stands for a member\'s key; name one member (e.g. "input/room/7/msg")',
    ],
    [
      'two *s',
      '  room/*: { component: c, roms: { m: input/*/room/*/msg } }\n',
      'inline.yaml:3: family "room/*": rom "m" routes to "input/*/room/*/msg": a route holds at most one * (the member\'s key)',
    ],
    [
      'no input with a *',
      '  room/*: { component: c, roms: { s: room/*/state }, reports: [state] }\n',
      'inline.yaml:3: family "room/*": no rom routes from an input with * (e.g. input/room/*/msg), so no member could ever be created',
    ],
    [
      'a route every member would share',
      '  room/*: { component: c, roms: { m: input/room/*/msg, rules: input/rules } }\n',
      'inline.yaml:3: family "room/*": rom "rules" routes to "input/rules": every member would share it, and a change would wake them all: a family routes sources of its member, with * for its key (e.g. input/room/*/rules); put constant values under config',
    ],
    [
      'a * for a report name',
      '  a: { component: c, reports: [x] }\n  room/*: { component: c, roms: { m: input/room/*/msg, x: a/* } }\n',
      'inline.yaml:4: family "room/*": rom "x" routes to "a/*": the * must stand for a family member\'s key, as in FAMILY/*/REPORT',
    ],
    [
      "a member's report the family does not declare",
      '  room/*: { component: c, roms: { m: input/room/*/msg }, reports: [count] }\n  b: { component: c, roms: { n: room/7/cnt } }\n',
      'inline.yaml:4: child "b": rom "n" routes to "room/7/cnt", which no child reports (did you mean "room/7/count"?)',
    ],
    [
      'a static child with the family\'s name',
      '  room: { component: c }\n  room/*: { component: c, roms: { m: input/room/*/msg } }\n',
      'inline.yaml:4: family "room/*" and child "room" share the name "room": their reports would mix; rename one',
    ],
    [
      'a reserved family name',
      '  input/*: { component: c, roms: { m: input/* } }\n',
      'inline.yaml:3: child "input/*": input, host and config are reserved names (they would clash with sources): choose another',
    ],
  ])('names the line of %s', (_, children, message) => {
    expect(parseError(head + children)).toBe(message);
  });
});

describe('members', () => {
  it('are created by the first input that addresses them, with a start update on every routed ROM', async () => {
    const { host: h, lifecycle, changes } = await host(ROOMS());
    expect(hostState(h).families).toEqual({ 'room/*': { component: expect.any(String), members: 0, warm: 0 } });
    const first = await h.publish('room/42/msg', 'hello');
    expect(lifecycle).toContain(`room/42 started@${first.step}`);
    expect(read(h, 'room/42/count')).toBe('1');
    expect(read(h, 'room/42/state')).toBe('1\nhello');
    expect(changes).toContain(`room/42/count=1@${first.step}`);
    expect(hostState(h).families!['room/*']).toMatchObject({ members: 1, warm: 1 });
    // Members are no children of their own in the state: one summary line per family.
    expect(Object.keys(hostState(h).children)).toEqual(['seven']);
    await h.publish('room/42/msg', 'again');
    await h.publish('room/5/msg', 'x');
    expect([read(h, 'room/42/count'), read(h, 'room/5/count')]).toEqual(['2', '1']);
    expect(h.state.families!['room/*']).toMatchObject({ members: 2, warm: 2 });
  });

  it("route to and from static children: seven follows room 7's count, and only room 7's", async () => {
    const { host: h } = await host(ROOMS());
    expect(read(h, 'seven/out')).toBe('1'); // room/7 does not exist yet: its count has no value, which the adder reads as 0
    await h.publish('room/6/msg', 'a');
    expect(read(h, 'seven/out')).toBe('1');
    await h.publish('room/7/msg', 'a');
    await h.publish('room/7/msg', 'b');
    expect(read(h, 'seven/out')).toBe('3');
  });

  it("reach members of another family with the same key, which creates none", async () => {
    const yaml = `
components: { counter: components/counter-wat/counter-wat.wasm, adder: components/adder-wat/adder-wat.wasm }
children:
  room/*: { component: counter, roms: { input: input/room/*/msg, state: room/*/state }, reports: [count, state] }
  badge/*: { component: adder, roms: { in: room/*/count, poke: input/badge/*/poke }, reports: [out] }
`;
    const { host: h } = await host(yaml);
    await h.publish('room/1/msg', 'a');
    expect(read(h, 'badge/1/out')).toBeUndefined(); // badge/1 was never addressed by an input
    await h.publish('badge/1/poke', '');
    expect(read(h, 'badge/1/out')).toBe('2');
    await h.publish('room/1/msg', 'b');
    expect(read(h, 'badge/1/out')).toBe('3');
  });

  it('hibernate past max_warm and wake on their next input as if they never slept', async () => {
    const { host: h, lifecycle } = await host(ROOMS(3));
    for (const k of [1, 2, 3, 4, 5]) await h.publish(`room/${k}/msg`, `m${k}`);
    // At most 3 warm at the end of each step, seven included (max_warm is the host's): it went first, then room/1, then room/2.
    expect(h.state.families!['room/*']).toMatchObject({ members: 5, warm: 3 });
    expect(lifecycle).toContain('seven hibernated@4');
    expect(lifecycle).toContain('room/1 hibernated@5');
    expect(lifecycle).toContain('room/2 hibernated@6');
    const woke = await h.publish('room/1/msg', 'again');
    expect(lifecycle).toContain(`room/1 woken@${woke.step}`);
    expect(read(h, 'room/1/count')).toBe('2');
    expect(read(h, 'room/1/state')).toBe('2\nagain');
    expect(hostState(h).families!['room/*']).toMatchObject({ members: 5 });
  });

  it('keep their values packed while they sleep, seen by every read as before', async () => {
    const { host: h } = await host(ROOMS());
    await h.publish('room/7/msg', 'a');
    await h.publish('room/8/msg', 'b');
    const before = new Map(h.reports());
    await h.hibernate('room/7');
    await h.hibernate('room/8');
    expect(read(h, 'room/7/state')).toBe('1\na');
    expect(read(h, 'input/room/8/msg')).toBe('b');
    expect(new Map(h.reports())).toEqual(before);
    // A member asked for by name starts on its packed values; one woken by its input, on them and the new one.
    await h.restart('room/7');
    expect(read(h, 'room/7/count')).toBe('1');
    await h.publish('room/8/msg', 'c');
    expect(read(h, 'room/8/state')).toBe('2\nc');
    // seven reads room 7's count through its route, whether room 7 sleeps or not.
    await h.hibernate('room/7');
    await h.restart('seven');
    expect(read(h, 'seven/out')).toBe('2');
  });

  it('hibernate, kill and restart by name; a killed member stays down; swapping one is refused', async () => {
    const { host: h, lifecycle } = await host(ROOMS());
    await h.publish('room/1/msg', 'a');
    await h.publish('room/2/msg', 'a');
    await h.hibernate('room/1');
    expect(h.state.families!['room/*']).toMatchObject({ members: 2, warm: 1 });
    await h.hibernate('room/1'); // twice is nothing
    await h.kill('room/2');
    expect(h.state.children['room/2']?.status).toBe('stopped');
    await h.publish('room/2/msg', 'b');
    expect(read(h, 'room/2/count')).toBe('1');
    await h.restart('room/2');
    expect(read(h, 'room/2/count')).toBe('2'); // started on its ROMs: counts the input it missed
    expect(h.state.children['room/2']).toMatchObject({ status: 'running', restarts: 1 });
    await h.hibernate('room/2'); // hibernating drops its entry: a hibernated member costs its key only
    expect(h.state.children['room/2']).toBeUndefined();
    expect(lifecycle.filter((l) => l.startsWith('room/1 ') || l.startsWith('room/2 ')).map((l) => l.replace(/@\d+/, ''))).toEqual([
      'room/1 started',
      'room/2 started',
      'room/1 hibernated',
      'room/2 stopped',
      'room/2 restarted',
      'room/2 hibernated',
    ]);
    await expect(h.swap('room/1', 'components/counter-rust/counter-rust.wasm')).rejects.toThrow(/child "room\/1" keeps its component: .*apply a scenario that names another/);
    await expect(h.kill('room/9')).rejects.toThrow('no child is called "room/9" (children: room/*, seven)');
  });

  it('fault one by one: a member over its report limit faults, its family and its siblings run on', async () => {
    const { host: h, faults } = await host(ROOMS(10_000, '\n    limits: { report_kib: 1 }\n    restart: { max: 0 }'));
    await h.publish('room/1/msg', 'a');
    await h.publish('room/2/msg', 'x'.repeat(2000));
    expect(faults.map((f) => [f.child, f.code])).toEqual([['room/2', 'report-too-large']]);
    expect(h.state.children['room/2']?.status).toBe('quarantined');
    expect(hostState(h).children['room/2']?.status).toBe('quarantined');
    await h.publish('room/1/msg', 'b');
    await h.publish('room/3/msg', 'c');
    expect([read(h, 'room/1/count'), read(h, 'room/2/count'), read(h, 'room/3/count')]).toEqual(['2', undefined, '1']);
    await h.publish('room/2/msg', 'short');
    expect(h.state.children['room/2']?.status).toBe('quarantined'); // stays down until restarted by hand
    await h.restart('room/2');
    expect(read(h, 'room/2/count')).toBe('1');
  });

  it('go with their family: a new component hibernates every member, removing the family forgets their reports', async () => {
    const { host: h, lifecycle } = await host(ROOMS());
    await h.publish('room/1/msg', 'a');
    await h.publish('room/2/msg', 'b');
    await h.apply(scenario(ROOMS().replace('counter: components/counter-wat/counter-wat.wasm', 'counter: components/counter-c/counter-c.wasm')));
    expect(h.state.families!['room/*']).toMatchObject({ members: 2, warm: 0 });
    expect(lifecycle).toContain('room/* restarted@4');
    await h.publish('room/1/msg', 'c');
    expect(read(h, 'room/1/count')).toBe('2'); // woke on counter-c, from the state counter-wat left
    expect(h.state.families!['room/*']?.component).toBe(h.state.children['room/1']?.component ?? h.state.families!['room/*']?.component);
    await h.apply(scenario(ROOMS().replace(/ {2}room\/\*:[\s\S]*?reports: \[count, state\]\n/, '').replace('in: room/7/count', 'in: input/seven')));
    expect(h.state.families).toBeUndefined();
    expect([...h.reports().keys()].filter((k) => k.startsWith('room/'))).toEqual([]);
    // Their inputs stay, the packed ones too: no member owns them now, and the family back registers them again.
    expect([read(h, 'input/room/1/msg'), read(h, 'input/room/2/msg')]).toEqual(['c', 'b']);
    await h.apply(scenario(ROOMS()));
    expect(h.state.families!['room/*']).toMatchObject({ members: 2, warm: 0 });
    await h.publish('room/2/msg', 'd');
    expect(lifecycle.at(-1)).toBe(`room/2 woken@${h.state.step}`);
    expect(read(h, 'room/2/state')).toBe('1\nd'); // its state went with the family
    await h.publish('room/3/msg', 'e');
    expect(lifecycle.at(-1)).toBe(`room/3 started@${h.state.step}`);
    expect(h.state.families!['room/*']).toMatchObject({ members: 3, warm: 2 });
  });

  it('after a resume, continue from the values left behind', async () => {
    const { host: first } = await host(ROOMS());
    await first.publish('room/1/msg', 'a');
    await first.publish('room/1/msg', 'b');
    await first.publish('room/2/msg', 'a');
    const values = [...first.reports(), ['input/room/1/msg', first.read('input/room/1/msg')!], ['input/room/2/msg', first.read('input/room/2/msg')!]] as [string, Uint8Array][];
    const { host: h, lifecycle } = await host(ROOMS(), { resume: { step: first.state.step, values } });
    expect(h.state.families!['room/*']).toMatchObject({ members: 2, warm: 0 }); // registered from their inputs, hibernated
    await h.publish('room/1/msg', 'c');
    expect(read(h, 'room/1/count')).toBe('3');
    expect(lifecycle).toContain(`room/1 woken@${h.state.step}`);
    expect(read(h, 'seven/out')).toBe('1');
  });

  it('changes no report, hibernating and waking members at any point (property)', async () => {
    const step = fc.oneof(
      { weight: 3, arbitrary: fc.record({ room: fc.integer({ min: 1, max: 8 }), msg: fc.constantFrom('a', 'b', 'c') }) },
      { weight: 1, arbitrary: fc.record({ hibernate: fc.integer({ min: 1, max: 8 }) }) },
    );
    let slept = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 4 }), async (steps, maxWarm) => {
        const run = async (sleep: boolean) => {
          const { host: h, lifecycle } = await host(ROOMS(sleep ? maxWarm : 10_000));
          const seen: string[] = [];
          for (const s of steps) {
            if ('msg' in s) await h.publish(`room/${s.room}/msg`, s.msg), seen.push(allReports(h));
            else if (sleep && h.state.families!['room/*']!.warm > 0) {
              await h.hibernate(`room/${s.hibernate}`).catch((e: unknown) => {
                if (!(isRomhostError(e) && e.code === 'unknown-child')) throw e;
              });
            }
          }
          slept += lifecycle.filter((l) => / woken@/.test(l)).length;
          return seen;
        };
        expect(await run(true)).toEqual(await run(false));
      }),
      // Seeded: how many wakes 30 random runs hold varies, and this checks that they held enough.
      { numRuns: 30, seed: 20261206 },
    );
    expect(slept).toBeGreaterThan(10);
  });

  it('10,000 members with 100 warm: a small million', async () => {
    const { host: h } = await host(ROOMS(100));
    const n = 10_000;
    for (let k = 0; k < n; k++) await h.publish(`room/${k}/msg`, 'a');
    // Every tenth member again, out of order: each wakes from hibernation.
    for (let k = n - 1; k >= 0; k -= 10) await h.publish(`room/${k}/msg`, 'b');
    const family = h.state.families!['room/*']!;
    expect(family.members).toBe(n);
    expect(family.warm).toBeLessThanOrEqual(100);
    expect(read(h, 'room/9999/count')).toBe('2');
    expect(read(h, 'room/9998/count')).toBe('1');
    expect(read(h, 'room/7/count')).toBe('1');
    expect(read(h, 'seven/out')).toBe('2');
    expect(h.read('host/state')!.length).toBeLessThan(1000); // one line per family, however many members
  }, 60_000);
});

describe('journal', () => {
  const file = `${process.cwd()}/families.journal`;
  const drive = async (h: Host) => {
    await h.apply(scenario(ROOMS(2)));
    for (const [k, m] of [[1, 'a'], [2, 'a'], [3, 'a'], [1, 'b'], [7, 'a'], [2, 'b']] as const) await h.publish(`room/${k}/msg`, m);
    await h.hibernate('room/7');
    await h.publish('room/7/msg', 'b');
  };

  it('a run with members replays, and passes the state-machine check member by member', async () => {
    const journal = await recordRun(drive, { file });
    const lifecycle = journal.steps.flatMap((s) => s.caused).filter((c) => 'lifecycle' in c);
    expect(lifecycle).toContainEqual(expect.objectContaining({ child: 'room/1', lifecycle: 'started' }));
    expect(await replayJournal(journal)).toEqual({ steps: journal.steps.length });
    const check = await checkStateMachine(journal);
    expect(check.children).toEqual(['room/*', 'seven']);
    expect(check.holds).toBe(true);
    expect(check.runs[0]!.restarts.length).toBeGreaterThan(6); // room/* restarted its members before their updates
  });

  it('the check finds a family whose members keep hidden state', async () => {
    const journal = await recordRun(async (h) => {
      await h.apply(scenario(ROOMS().replace('counter-wat/counter-wat.wasm', 'counter-hidden-wat/counter-hidden-wat.wasm')));
      for (const m of ['a', 'b', 'c']) await h.publish('room/1/msg', m);
    }, { file });
    const check = await checkStateMachine(journal, { child: 'room/*' });
    expect(check.holds).toBe(false);
  });
});

describe('a host with no family', () => {
  it('routes as before: no member is made of a name with a slash', async () => {
    const h = createHost();
    hosts.push(h);
    await h.apply(scenario(ROOMS().replace(/ {2}room\/\*:[\s\S]*?reports: \[count, state\]\n/, '').replace('in: room/7/count', 'in: input/room/7/msg')));
    await h.publish('room/7/msg', '41');
    expect(read(h, 'seven/out')).toBe('42');
    expect(h.state.families).toBeUndefined();
  });
});
