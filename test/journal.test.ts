import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { layout, margins } from '../bench/window-manager.js';
import { parseCommandLine, type Command } from '../host/cli/command-line.js';
import {
  assertReplays,
  createHost,
  describeDivergence,
  loadScenario,
  parseJournal,
  parseScenario,
  readJournal,
  recordJournal,
  replayJournal as replay,
  type Divergence,
  type Host,
  type Journal,
} from '../host/index.js';
import { decodeBytes, diffValues, JOURNAL_HEADER, journalLine, Recorder, type JournalEntry } from '../host/journal/index.js';
import { LineBuffer } from '../host/journal/line-buffer.js';
import { PackedSteps } from '../host/journal/packed-steps.js';
import { journalFolder } from '../host/journal/recorder.js';
import { jsonFields } from '../host/json-value.js';
import { romhost, type CliResult } from './support/cli.js';

/**
 * The journal (docs/journal.md, DESIGN §3.2, §9): recording is deterministic to the byte, a
 * replay reproduces every report and fault of random runs, a replay against another
 * implementation names the first divergence exactly, and damaged journals are refused with the
 * file and the byte offset. The golden journals and their tampered copies are in test/replay/.
 */

const tmp = mkdtempSync(join(tmpdir(), 'romhost-journal-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let made = 0;
/** A journal file of its own in the tmp folder. */
const fresh = (name = 'run') => join(tmp, `${name}-${++made}.journal`);

/**
 * Every romhost process this file runs, started together before the tests: each spends seconds
 * compiling its components, and started at once they overlap the tests that run in process.
 * The recorded ones land beside the golden journals, so that their paths are the same.
 */
const CLI_RECORDED = [`test/replay/.cli-${process.pid}-1.journal`, `test/replay/.cli-${process.pid}-2.journal`] as const;
const HIDDEN_SCENARIO = join(tmp, 'hidden.yaml');
const CLI_RUNS = {
  record1: ['run', 'examples/counter/scenario.yaml', '--inputs', 'test/replay/counter-session.jsonl', '--once', '--record', CLI_RECORDED[0]],
  record2: ['run', 'examples/counter/scenario.yaml', '--inputs', 'test/replay/counter-session.jsonl', '--once', '--record', CLI_RECORDED[1]],
  identical: ['replay', 'test/replay/counter.journal'],
  swapJson: ['replay', 'test/replay/counter.journal', '--swap', 'counter=components/counter-hidden-wat/counter-hidden-wat.wasm', '--json'],
  scenario: ['replay', 'test/replay/counter.journal', '--scenario', HIDDEN_SCENARIO],
  badVersion: ['replay', 'test/replay/bad-version.journal'],
  notJson: ['replay', 'test/replay/not-json.journal', '--json'],
  badSwap: ['replay', 'test/replay/counter.journal', '--swap', 'counter'],
} as const;
let cli = {} as Record<keyof typeof CLI_RUNS, Promise<CliResult>>;
beforeAll(() => {
  writeFileSync(
    HIDDEN_SCENARIO,
    `components: { counter: ${resolve('components/counter-hidden-wat/counter-hidden-wat.wasm')}, adder: ${resolve('components/adder-wat/adder-wat.wasm')} }
children:
  counter: { component: counter, roms: { input: input/input, state: counter/state }, reports: [count, state] }
  plus-one: { component: adder, roms: { in: counter/count }, reports: [out] }
`,
  );
  cli = Object.fromEntries(Object.entries(CLI_RUNS).map(([name, args]) => [name, romhost(args)])) as typeof cli;
});
// The engine compiles each component once per process: the window manager's three, first, take
// seconds on a busy machine that no single test should be timed for.
beforeAll(async () => {
  const host = createHost();
  await host.apply(await loadScenario('examples/windows/scenario.yaml'));
  await host.close();
}, 120_000);
afterAll(async () => {
  await Promise.allSettled(Object.values(cli));
  for (const file of CLI_RECORDED) rmSync(file, { force: true });
});

const WASM = {
  counterWat: resolve('components/counter-wat/counter-wat.wasm'),
  counterRust: resolve('components/counter-rust/counter-rust.wasm'),
  counterHidden: resolve('components/counter-hidden-wat/counter-hidden-wat.wasm'),
  counterCached: resolve('test/fixtures/counter-cached/counter-cached.wasm'),
  adder: resolve('components/adder-wat/adder-wat.wasm'),
  kvC: resolve('components/kv-c/kv-c.wasm'),
  kvRust: resolve('components/kv-rust/kv-rust.wasm'),
  classic: resolve('components/decorator-classic/decorator-classic.wasm'),
  themed: resolve('components/decorator-themed/decorator-themed.wasm'),
  trapper: resolve('test/fixtures/trapper/trapper.wasm'),
};

const enc = (text: string) => new TextEncoder().encode(text);
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const change = (step: number, source: string, bytes: Uint8Array) => `${step} ${source} ${Buffer.from(bytes).toString('base64')}`;

/** Records what `drive` does to a fresh host into `file`; returns every report change the host made (`STEP SOURCE BASE64`). */
async function record(file: string, drive: (host: Host) => Promise<void>): Promise<string[]> {
  const host = createHost();
  const live: string[] = [];
  host.reports$.subscribe((c) => live.push(change(c.step, c.source, c.content)));
  const writer = recordJournal(host, file);
  // The same run as entries, rendered by journalLine: recordJournal writes reports and inputs from their bytes, and must write exactly these lines.
  const lines = [journalLine(JOURNAL_HEADER)];
  const recorder = new Recorder(host, (entry) => lines.push(journalLine(entry)), journalFolder(file));
  try {
    await drive(host);
  } finally {
    recorder.stop();
    await writer.close();
    await host.close();
  }
  expect(readFileSync(file, 'utf8')).toBe(lines.join(''));
  return live;
}

/** The report changes a journal holds, as `record` returns them. */
const journalReports = (journal: Journal) =>
  journal.steps.flatMap((s) => s.caused.flatMap((e) => ('report' in e ? [change(e.step, e.report, decodeBytes(e))] : [])));

/** Each step's event, by step. */
const eventAt = (journal: Journal, step: number) => journal.steps.find((s) => s.event.step === step)!.event;

// ---------------------------------------------------------------------------------------------
// The counter role: counter-wat, counter-rust (components/ROLES.md), and counter-cached, a
// look-alike that differs only from its first restart with a count above 0.

function counterScenario(counter: string) {
  return parseScenario(
    `components: { counter: ${counter}, adder: ${WASM.adder} }
children:
  counter: { component: counter, roms: { input: input/input, state: counter/state }, reports: [count, state] }
  plus-one: { component: adder, roms: { in: counter/count }, reports: [out] }
`,
    join(tmp, 'counter.yaml'),
  );
}

type CounterAction =
  | { readonly kind: 'publish'; readonly value: Uint8Array }
  | { readonly kind: 'kill' | 'restart' | 'fail' }
  | { readonly kind: 'swap'; readonly to: 'counterWat' | 'counterRust' };

const counterAction: fc.Arbitrary<CounterAction> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .oneof(fc.constantFrom('a', 'b', '', '\uFEFFa', 'ünï').map(enc), fc.uint8Array({ maxLength: 3 }))
      .map((value) => ({ kind: 'publish' as const, value })),
  },
  { weight: 2, arbitrary: fc.constantFrom<CounterAction>({ kind: 'kill' }, { kind: 'restart' }, { kind: 'fail' }) },
  { weight: 1, arbitrary: fc.constantFrom('counterWat' as const, 'counterRust' as const).map((to) => ({ kind: 'swap' as const, to })) },
);

async function driveCounter(host: Host, counter: string, actions: readonly CounterAction[]): Promise<void> {
  await host.apply(counterScenario(counter));
  for (const a of actions) {
    if (a.kind === 'publish') await host.publish('input', a.value);
    else if (a.kind === 'kill') await host.kill('counter');
    else if (a.kind === 'restart') await host.restart('counter');
    else if (a.kind === 'swap') await host.swap('counter', WASM[a.to]);
    // An event the host refuses takes no step and leaves nothing in the journal.
    else await expect(host.kill('nobody')).rejects.toThrow('no child is called "nobody"');
  }
}

/**
 * Where a replay on counter-cached first departs from a recording on counter-wat, by a model of
 * both (components/ROLES.md and counter-cached.wat): at the first restart or swap of the counter
 * with a count above 0, counter-cached starts again from 0 (plus one if an input came while it
 * was down), and its `count` is the first report to differ.
 */
function cachedDivergence(actions: readonly CounterAction[]): { step: number; recorded: string[]; replayed: string[] } | undefined {
  let step = 1;
  let count = 0;
  let last: string | undefined;
  let input: string | undefined;
  let running = true;
  for (const a of actions) {
    if (a.kind === 'fail') continue;
    step += 1;
    if (a.kind === 'publish') {
      const value = Buffer.from(a.value).toString('hex');
      if (value === input) continue; // not a change: nobody wakes
      input = value;
      if (running && value !== last) (count += 1), (last = value);
    } else if (a.kind === 'kill') {
      running = false;
    } else {
      // restart or swap: a fresh instance, whose start update lists the input.
      running = true;
      const pending = input !== undefined && input !== last ? 1 : 0;
      if (count > 0) {
        const recorded = count + pending;
        return { step, recorded: pending ? [String(recorded)] : [], replayed: pending === count ? [] : [String(pending)] };
      }
      count += pending;
      if (pending) last = input;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The kv role (kv-c, kv-rust): commands, restarts, swaps between the two.

function kvScenario(kv: string) {
  return parseScenario(
    `components: { kv: ${kv} }
children: { store: { component: kv, roms: { command: input/command, state: store/state }, reports: [state, view, size] } }
`,
    join(tmp, 'kv.yaml'),
  );
}

type KvAction = { readonly command: string } | { readonly restart: true } | { readonly swap: 'kvC' | 'kvRust' };

const key = fc.constantFrom('a', 'b', 'ü', 'k\u0001');
const kvAction: fc.Arbitrary<KvAction> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(key, fc.string({ maxLength: 5 })).map(([k, v]) => ({ command: `set ${k} ${v}` })) },
  { weight: 1, arbitrary: key.map((k) => ({ command: `del ${k}` })) },
  { weight: 1, arbitrary: fc.constantFrom('clear', 'SET a 1', 'set a', '', 'del ').map((command) => ({ command })) },
  { weight: 1, arbitrary: fc.constantFrom<KvAction>({ restart: true }, { swap: 'kvC' }, { swap: 'kvRust' }) },
);

// ---------------------------------------------------------------------------------------------
// The windows example: pointer sessions with presses and drags, window lists, kill and restart of
// either child, swaps of the decorator between decorator-classic and decorator-themed.

type WindowsAction =
  | { readonly kind: 'pointer'; readonly x: number; readonly y: number; readonly pressed: boolean }
  | { readonly kind: 'drag'; readonly window: number; readonly dx: number; readonly dy: number }
  | { readonly kind: 'windows'; readonly ids: readonly number[] }
  | { readonly kind: 'kill' | 'restart'; readonly child: 'layouter' | 'decorator' }
  | { readonly kind: 'swap'; readonly to: 'classic' | 'themed' };

const TITLES = ['Editor', 'Terminal', 'Notes', 'Mail'];
/** The report `decorator/margins` of each decorator. */
const CLASSIC_MARGINS = '{"top":24,"right":4,"bottom":4,"left":4}';
const THEMED_MARGINS = '{"top":32,"right":6,"bottom":6,"left":6}';
const windowsAction: fc.Arbitrary<WindowsAction> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('pointer' as const), x: fc.integer({ min: 0, max: 640 }), y: fc.integer({ min: 0, max: 480 }), pressed: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('drag' as const), window: fc.nat(3), dx: fc.integer({ min: -120, max: 120 }), dy: fc.integer({ min: -120, max: 120 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('windows' as const), ids: fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('kill' as const, 'restart' as const), child: fc.constantFrom('layouter' as const, 'decorator' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('swap' as const), to: fc.constantFrom('classic' as const, 'themed' as const) }) },
);

const pointerAt = (host: Host, x: number, y: number, pressed: boolean) => host.publish('pointer', JSON.stringify({ x, y, pressed }));

async function driveWindows(host: Host, actions: readonly WindowsAction[]): Promise<void> {
  await host.apply(await loadScenario('examples/windows/scenario.yaml'));
  await host.publish('windows', JSON.stringify(TITLES.slice(0, 3).map((title, i) => ({ id: i + 1, title }))));
  for (const a of actions) {
    if (a.kind === 'pointer') {
      await pointerAt(host, a.x, a.y, a.pressed);
    } else if (a.kind === 'drag') {
      // By the middle of a window's title bar, as the layout and margins are now: press, two moves, release.
      const w = layout(host)[a.window];
      if (!w) continue;
      const x = w.x + Math.floor(w.w / 2);
      const y = w.y - Math.ceil(margins(host).top / 2);
      await pointerAt(host, x, y, false);
      await pointerAt(host, x, y, true);
      await pointerAt(host, x + Math.round(a.dx / 2), y + Math.round(a.dy / 2), true);
      await pointerAt(host, x + a.dx, y + a.dy, true);
      await pointerAt(host, x + a.dx, y + a.dy, false);
    } else if (a.kind === 'windows') {
      await host.publish('windows', JSON.stringify(a.ids.map((id) => ({ id, title: TITLES[id - 1] }))));
    } else if (a.kind === 'swap') {
      await host.swap('decorator', WASM[a.to]);
    } else {
      await host[a.kind](a.child);
    }
  }
}

/** Runs the commands of an `--inputs` file (test/replay/*-session.jsonl) as `romhost run` does. */
async function driveSession(host: Host, scenario: string, session: string): Promise<void> {
  await host.apply(await loadScenario(scenario));
  const lines = readFileSync(session, 'utf8').split('\n').filter((l) => l.trim() !== '');
  for (const line of lines) {
    const c: Command = parseCommandLine(line, resolve(session, '..'));
    if (c.kind === 'publish') await host.publish(c.name, c.content);
    else if (c.kind === 'kill') await host.kill(c.child);
    else if (c.kind === 'restart') await host.restart(c.child);
    else if (c.kind === 'swap') await host.swap(c.child, c.component);
    else throw new Error(`the session has a ${c.kind}, which this test does not drive`);
  }
}

/** A copy of a journal's text with one of its report entries (the `n`-th, modulo their number) changed; that entry, as it was. */
function tamperReport(text: string, n: number): { text: string; entry: { step: number; report: string } } {
  const lines = text.split('\n');
  const reports = lines.flatMap((l, i) => (l !== '' && 'report' in (JSON.parse(l) as object) ? [i] : []));
  const at = reports[n % reports.length]!;
  const entry = JSON.parse(lines[at]!) as { step: number; report: string; text?: string; base64?: string };
  const tampered =
    entry.text !== undefined
      ? { ...entry, text: `${entry.text}!` }
      : { ...entry, base64: Buffer.concat([Buffer.from(entry.base64!, 'base64'), Buffer.from('!')]).toString('base64') };
  lines[at] = JSON.stringify(tampered);
  return { text: lines.join('\n'), entry };
}

/** The values a journal recorded for `report` in `step`, in order. */
const valuesOf = (journal: Journal, step: number, report: string) =>
  journal.steps.find((s) => s.event.step === step)!.caused.flatMap((e) => ('report' in e && e.report === report ? [decodeBytes(e)] : []));

// =============================================================================================

describe('recording', () => {
  it('gives byte-identical journals for the same scenario and inputs', async () => {
    const dir = join(tmp, 'twice');
    mkdirSync(dir);
    const drive = (host: Host) => driveSession(host, 'examples/windows/scenario.yaml', 'test/replay/windows-session.jsonl');
    await record(join(dir, '1.journal'), drive);
    await record(join(dir, '2.journal'), drive);
    const once = readFileSync(join(dir, '1.journal'));
    expect(once.length).toBeGreaterThan(10_000);
    expect(readFileSync(join(dir, '2.journal')).equals(once)).toBe(true);
  });

  it('records the golden sessions to the byte as they are committed (a change of the format shows here)', async () => {
    for (const [name, scenario] of [['counter', 'examples/counter/scenario.yaml'], ['windows', 'examples/windows/scenario.yaml']] as const) {
      const file = `test/replay/.now-${process.pid}-${name}.journal`; // beside the golden ones: the same relative paths
      try {
        await record(file, (host) => driveSession(host, scenario, `test/replay/${name}-session.jsonl`));
        expect(readFileSync(file, 'utf8')).toBe(readFileSync(`test/replay/${name}.journal`, 'utf8'));
      } finally {
        rmSync(file, { force: true });
      }
    }
  });

  it('writes a header, then each step’s event followed by what it caused, with paths relative to the journal’s folder', () => {
    const text = readFileSync('test/replay/windows.journal', 'utf8');
    const lines = text.split('\n');
    expect(lines.pop()).toBe(''); // every line ends with a newline
    expect(lines[0]).toBe('{"romhost":"journal","version":1,"world":"romhost:component/state-machine@0.1.0"}');
    const entries = lines.slice(1).map((l) => JSON.parse(l) as Record<string, unknown> & { step: number });
    const events = entries.filter((e) => ['apply', 'input', 'kill', 'restart', 'swap'].some((k) => k in e));
    // Steps 1, 2, ... in order; each step's event is its first line, every later line of it is caused.
    expect(events.map((e) => e.step)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    entries.forEach((e, i) => {
      if (events.includes(e)) expect(entries[i - 1]?.step ?? 0).toBe(e.step - 1);
      else expect(entries[i - 1]!.step).toBe(e.step);
    });
    const apply = entries[0] as unknown as { apply: { file: string; text: string; components: Record<string, string> } };
    expect(apply.apply.file).toBe('../../examples/windows/scenario.yaml');
    expect(apply.apply.text).toBe(readFileSync('examples/windows/scenario.yaml', 'utf8'));
    expect(apply.apply.components).toEqual({
      'decorator-classic': sha256(WASM.classic),
      'decorator-themed': sha256(WASM.themed),
      layouter: sha256('components/layouter/layouter.wasm'),
    });
    expect(events.slice(7, 11)).toEqual([
      { step: 8, swap: 'decorator', component: sha256(WASM.themed), path: '../../components/decorator-themed/decorator-themed.wasm' },
      { step: 9, kill: 'layouter' },
      { step: 10, input: 'input/pointer', text: '{"x":5,"y":5,"pressed":false}' },
      { step: 11, restart: 'layouter' },
    ]);
    expect(entries.filter((e) => e.step === 9)).toEqual([{ step: 9, kill: 'layouter' }, { step: 9, lifecycle: 'stopped', child: 'layouter' }]);
    // Bytes that are not UTF-8 go as base64 (counter.journal step 6 publishes the byte 0xff).
    expect(readFileSync('test/replay/counter.journal', 'utf8')).toContain('{"step":6,"input":"input/input","base64":"/w=="}\n{"step":6,"report":"counter/count","text":"3"}\n');
  });

  it('names files relative to the journal, so a journal moved together with its scenario and components still replays', async () => {
    const before = join(tmp, 'moved-from');
    for (const f of ['examples/counter/scenario.yaml', 'components/counter-wat/counter-wat.wasm', 'components/adder-wat/adder-wat.wasm', 'components/counter-rust/counter-rust.wasm']) {
      cpSync(f, join(before, f));
    }
    const file = join(before, 'runs/run.journal');
    mkdirSync(join(before, 'runs'));
    await record(file, async (host) => {
      await host.apply(await loadScenario(join(before, 'examples/counter/scenario.yaml')));
      await host.publish('input', 'a');
      await host.swap('counter', join(before, 'components/counter-rust/counter-rust.wasm'));
      await host.publish('input', 'b');
    });
    const journal = await readJournal(file);
    expect(journal.steps.map((s) => s.event)).toMatchObject([
      { step: 1, apply: { file: '../examples/counter/scenario.yaml' } },
      { step: 2, input: 'input/input', text: 'a' },
      { step: 3, swap: 'counter', path: '../components/counter-rust/counter-rust.wasm' },
      { step: 4, input: 'input/input', text: 'b' },
    ]);
    const after = join(tmp, 'moved-to');
    renameSync(before, after);
    await expect(replay(await readJournal(join(after, 'runs/run.journal')))).resolves.toEqual({ steps: 4 });
  });

  it('keeps a value that starts with U+FEFF, which a UTF-8 decoder drops by default', async () => {
    const file = fresh('bom');
    await record(file, async (host) => {
      await host.apply(counterScenario(WASM.counterWat));
      await host.publish('input', new Uint8Array([0xef, 0xbb, 0xbf, 0x61]));
      await host.publish('input', 'a'); // another input: the counter counts 2
    });
    const journal = await readJournal(file);
    expect(eventAt(journal, 2)).toEqual({ step: 2, input: 'input/input', text: '\uFEFFa' });
    expect(valuesOf(journal, 3, 'counter/count')).toEqual([enc('2')]);
    await expect(replay(journal)).resolves.toEqual({ steps: 3 });
  });

  it('says at once when the journal cannot be written', async () => {
    const host = createHost();
    const file = join(tmp, 'no-such-folder/run.journal');
    expect(() => recordJournal(host, file)).toThrow(`journal ${file} could not be written: ENOENT: no such file or directory, open '${file}'`);
    await host.close();
  });

  it('writes a report or an input from its bytes exactly as journalLine renders its entry', () => {
    const file = fresh('lines');
    const fd = openSync(file, 'w');
    const lines = new LineBuffer(fd, 64); // a small batch: lines longer than it, and many flushes
    const expected: string[] = [];
    const name = fc.constantFrom('c/r', 'input/x', 'a"b\\c/ü☃', 'x/\u0000\u001f\u007f');
    const content = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 20 }).map(enc),
      fc.constantFrom(...['\uFEFFa', '"\\\b\t\n\f\r\u2028', '😀é'].map(enc), new Uint8Array([0xed, 0xa0, 0x80]), new Uint8Array([0xc0, 0x80]), new Uint8Array([0xf4, 0x90, 0x80, 0x80]), new Uint8Array(200).fill(1)),
    );
    fc.assert(
      fc.property(fc.constantFrom('report' as const, 'input' as const), fc.oneof(fc.integer({ min: 1, max: 2 ** 32 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })), name, content, (key, step, n, bytes) => {
        lines.bytesEntry(step, key, n, bytes);
        expected.push(journalLine({ step, [key]: n, ...jsonFields(bytes) } as JournalEntry));
      }),
      { numRuns: 2000 },
    );
    lines.flush();
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe(expected.join(''));
  });

  it('writes the steps of a run, one after another and with jumps, as journalLine does', () => {
    const file = fresh('steps');
    const fd = openSync(file, 'w');
    const lines = new LineBuffer(fd, 64);
    const steps = [1, 1, 2, 9, 10, 11, 98, 99, 100, 100, 101, 7, 8, 999, 1000, 1001, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER];
    for (const step of steps) lines.bytesEntry(step, 'report', 'c/r', enc('x'));
    lines.flush();
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe(steps.map((step) => journalLine({ step, report: 'c/r', text: 'x' })).join(''));
  });
});

describe('replay of random runs (fast-check)', () => {
  it.each(['counterWat', 'counterRust'] as const)('counter role on %s: byte-identical twice, every report in the journal, replayed identically', async (impl) => {
    await fc.assert(
      fc.asyncProperty(fc.array(counterAction, { maxLength: 14 }), async (actions) => {
        const [a, b] = [fresh('counter'), fresh('counter')];
        const live = await record(a, (host) => driveCounter(host, WASM[impl], actions));
        await record(b, (host) => driveCounter(host, WASM[impl], actions));
        expect(readFileSync(b).equals(readFileSync(a))).toBe(true);
        const journal = await readJournal(a);
        expect(journal.steps.length).toBe(1 + actions.filter((x) => x.kind !== 'fail').length);
        expect(journalReports(journal)).toEqual(live);
        expect(await replay(journal)).toEqual({ steps: journal.steps.length });
      }),
      { numRuns: 12 },
    );
  });

  it('counter role against counter-cached (--swap): the first divergence is the one a model of both predicts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(counterAction, { maxLength: 16 }), async (actions) => {
        const file = fresh('cached');
        await record(file, (host) => driveCounter(host, WASM.counterWat, actions));
        const journal = await readJournal(file);
        const expected = cachedDivergence(actions);
        const result = await replay(journal, { swaps: { counter: WASM.counterCached } });
        if (!expected) {
          expect(result).toEqual({ steps: journal.steps.length });
          return;
        }
        expect(result).toEqual({
          steps: expected.step,
          divergence: {
            step: expected.step,
            event: eventAt(journal, expected.step),
            kind: 'report',
            report: 'counter/count',
            child: 'counter',
            recorded: expected.recorded.map(enc),
            replayed: expected.replayed.map(enc),
          },
        });
      }),
      { numRuns: 25 },
    );
  });

  it('kv role on kv-c and kv-rust, swapped between them: replayed identically', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('kvC' as const, 'kvRust' as const), fc.array(kvAction, { maxLength: 14 }), async (impl, actions) => {
        const file = fresh('kv');
        const live = await record(file, async (host) => {
          await host.apply(kvScenario(WASM[impl]));
          for (const a of actions) {
            if ('command' in a) await host.publish('command', a.command);
            else if ('restart' in a) await host.restart('store');
            else await host.swap('store', WASM[a.swap]);
          }
        });
        const journal = await readJournal(file);
        expect(journalReports(journal)).toEqual(live);
        expect(await replay(journal)).toEqual({ steps: journal.steps.length });
      }),
      { numRuns: 10 },
    );
  });

  it('windows example, random sessions: replayed identically; replayed with --swap decorator=classic, diverges at the first swap to themed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(windowsAction, { minLength: 3, maxLength: 10 }), async (actions) => {
        const file = fresh('windows');
        const live = await record(file, (host) => driveWindows(host, actions));
        const journal = await readJournal(file);
        expect(journalReports(journal)).toEqual(live);
        expect(await replay(journal)).toEqual({ steps: journal.steps.length });

        const firstThemed = journal.steps.find((s) => 'swap' in s.event && s.event.path?.endsWith('decorator-themed.wasm'))?.event;
        const result = await replay(journal, { swaps: { decorator: WASM.classic } });
        if (!firstThemed) {
          expect(result).toEqual({ steps: journal.steps.length });
          return;
        }
        expect(valuesOf(journal, 1, 'decorator/margins')).toEqual([enc(CLASSIC_MARGINS)]);
        expect(result.divergence).toEqual({
          step: firstThemed.step,
          event: firstThemed,
          kind: 'report',
          report: 'decorator/margins',
          child: 'decorator',
          recorded: [enc(THEMED_MARGINS)],
          replayed: [],
        });
      }),
      { numRuns: 8 },
    );
  });

  it('a report value changed in a journal diverges at exactly that step and report, with both values', async () => {
    const windows = readFileSync('test/replay/windows.journal', 'utf8');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.record({ actions: fc.constant(undefined) }), fc.record({ actions: fc.array(counterAction, { minLength: 1, maxLength: 8 }) })),
        fc.nat(),
        async ({ actions }, n) => {
          // The golden windows journal, or a random counter run recorded here.
          let file = 'test/replay/windows.journal';
          let text = windows;
          if (actions) {
            file = fresh('tamper');
            await record(file, (host) => driveCounter(host, WASM.counterWat, actions));
            text = readFileSync(file, 'utf8');
          }
          const { text: tampered, entry } = tamperReport(text, n);
          const original = parseJournal(enc(text), file);
          const journal = parseJournal(enc(tampered), file);
          const result = await replay(journal);
          expect(result.divergence).toEqual({
            step: entry.step,
            event: eventAt(original, entry.step),
            kind: 'report',
            report: entry.report,
            child: entry.report.split('/')[0],
            recorded: valuesOf(journal, entry.step, entry.report),
            replayed: valuesOf(original, entry.step, entry.report),
          });
          expect(valuesOf(journal, entry.step, entry.report)).not.toEqual(valuesOf(original, entry.step, entry.report));
        },
      ),
      { numRuns: 10 },
    );
  });
});

describe('divergence', () => {
  /** Replays a golden journal with `swaps`: it must stop at `expected` (its event: the journal's of that step), described as `lines`. */
  async function expectDivergence(file: string, swaps: Record<string, string>, expected: Omit<Divergence, 'event'>, lines: readonly string[]): Promise<void> {
    const journal = await readJournal(file);
    const { steps, divergence } = await replay(journal, { swaps });
    expect(steps).toBe(expected.step);
    expect(divergence).toEqual({ ...expected, event: eventAt(journal, expected.step) });
    expect(describeDivergence(divergence!)).toBe(lines.join('\n'));
  }

  it('against counter-hidden-wat: step 1, the counter’s state, recorded "0", replayed no change', () =>
    expectDivergence(
      'test/replay/counter.journal',
      { counter: WASM.counterHidden },
      { step: 1, kind: 'report', report: 'counter/state', child: 'counter', recorded: [enc('0')], replayed: [] },
      [
        'step 1 (apply ../../examples/counter/scenario.yaml): report counter/state differs',
        '  recorded 1 change(s) in this step, replayed 0',
        '  recorded: "0"',
        '  replayed: no change',
      ],
    ));

  it('against decorator-themed: step 1, the decorator’s margins, as the JSON paths that differ', () =>
    expectDivergence(
      'test/replay/windows.journal',
      { decorator: WASM.themed },
      { step: 1, kind: 'report', report: 'decorator/margins', child: 'decorator', recorded: [enc(CLASSIC_MARGINS)], replayed: [enc(THEMED_MARGINS)] },
      [
        'step 1 (apply ../../examples/windows/scenario.yaml): report decorator/margins differs',
        '  $.top: 24 → 32',
        '  $.right: 4 → 6',
        '  $.bottom: 4 → 6',
        '  $.left: 4 → 6',
      ],
    ));

  it('against decorator-classic throughout: the recorded swap to themed (step 8) is the first step that differs', () =>
    expectDivergence(
      'test/replay/windows.journal',
      { decorator: WASM.classic },
      { step: 8, kind: 'report', report: 'decorator/margins', child: 'decorator', recorded: [enc(THEMED_MARGINS)], replayed: [] },
      [
        'step 8 (swap decorator to ../../components/decorator-themed/decorator-themed.wasm): report decorator/margins differs',
        '  recorded 1 change(s) in this step, replayed 0',
        `  recorded: ${JSON.stringify(THEMED_MARGINS)}`,
        '  replayed: no change',
      ],
    ));

  it('of a fault: what the recording said and what the replay said', async () => {
    const file = fresh('trap');
    await record(file, async (host) => {
      await host.apply(parseScenario(`components: { trapper: ${WASM.trapper} }\nchildren: { t: { component: trapper, roms: { input: input/input }, reports: [echo] } }\n`, join(tmp, 'trap.yaml')));
      await host.publish('input', 'x');
      await host.publish('input', 'trap');
      await host.publish('input', 'y');
    });
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('{"step":3,"fault":{"child":"t","code":"trap","message":"child \\"t\\" trapped: unreachable"}}\n');
    // The recording replays with its fault; one whose fault said something else does not.
    await expect(replay(await readJournal(file))).resolves.toEqual({ steps: 4 });
    const journal = parseJournal(enc(text.replace('trapped: unreachable', 'trapped: out of fuel')), file);
    const { divergence } = await replay(journal);
    expect(divergence).toEqual({
      step: 3,
      event: eventAt(journal, 3),
      kind: 'fault',
      child: 't',
      recordedText: 'trap: child "t" trapped: out of fuel',
      replayedText: 'trap: child "t" trapped: unreachable',
    });
    expect(describeDivergence(divergence!)).toBe(
      'step 3 (input input/input = "trap"): child "t" recorded trap: child "t" trapped: out of fuel; replayed trap: child "t" trapped: unreachable',
    );
  });

  it('of an event that fails on replay: a component swapped in by path that is gone', async () => {
    const copy = join(tmp, 'gone.wasm');
    copyFileSync(WASM.counterRust, copy);
    const file = fresh('gone');
    await record(file, async (host) => {
      await host.apply(counterScenario(WASM.counterWat));
      await host.swap('counter', copy);
    });
    unlinkSync(copy);
    const journal = await readJournal(file);
    const { steps, divergence } = await replay(journal);
    expect(steps).toBe(1);
    expect(divergence).toEqual({ step: 2, event: eventAt(journal, 2), kind: 'event', recordedText: 'ran', replayedText: `component ${copy} cannot be read: no such file` });
    expect(describeDivergence(divergence!)).toBe(`step 2 (swap counter to gone.wasm): the recorded event fails on replay: component ${copy} cannot be read: no such file`);
  });

  it('shows the first value of the step that differs, and both values when they are equal as JSON but not as bytes', () => {
    const event = { step: 5, input: 'input/input', text: '{"a":1}' };
    const d: Divergence = { step: 5, event, kind: 'report', report: 'c/r', child: 'c', recorded: [enc('1'), enc('{"a":1}'), enc('3')], replayed: [enc('1'), enc('{"a":2}'), enc('3')] };
    expect(describeDivergence(d)).toBe('step 5 (input input/input = {"a":1}): report c/r differs\n  change 2 of the step:\n  $.a: 1 → 2');
    expect(diffValues(enc('{"a":1,"b":2}'), enc('{"b":2,"a":1}'))).toEqual(['recorded: "{\\"a\\":1,\\"b\\":2}"', 'replayed: "{\\"b\\":2,\\"a\\":1}"']);
    expect(diffValues(enc('[1,{"x":"y"}]'), enc('[1,{"x":"z"},4]'))).toEqual(['$[1].x: "y" → "z"', '$[2]: only replayed: 4']);
    expect(diffValues(new Uint8Array([0xff]), enc('a'))).toEqual(['recorded: {"base64":"/w=="}', 'replayed: "a"']);
  });

  it('of long multi-line values: a line diff when few lines differ, both values when too many do, at once either way', () => {
    const lines = (n: number, line: (i: number) => string) => enc(Array.from({ length: n }, (_, i) => line(i)).join('\n'));
    const recorded = lines(200_000, (i) => `line ${i}`);
    const few = lines(200_000, (i) => (i === 5000 ? 'line five thousand' : `line ${i}`));
    expect(diffValues(recorded, few)).toEqual(['--- recorded', '+++ replayed', '@@ -4999,5 +4999,5 @@', ' line 4998', ' line 4999', '-line 5000', '+line five thousand', ' line 5001', ' line 5002']);
    const many = lines(200_000, (i) => `line ${2 * i}`);
    const d: Divergence = { step: 2, event: { step: 2, input: 'input/input', text: 'x' }, kind: 'report', report: 'c/r', child: 'c', recorded: [recorded], replayed: [many] };
    expect(describeDivergence(d).split('\n')).toEqual([
      'step 2 (input input/input = "x"): report c/r differs',
      expect.stringMatching(/^ {2}recorded: "line 0\\nline 1\\n.*… \(\d+ characters\)$/),
      expect.stringMatching(/^ {2}replayed: "line 0\\nline 2\\n.*… \(\d+ characters\)$/),
      '  (over 1000 lines added or removed: no line diff)',
    ]);
  });
});

describe('what a step caused, compared', () => {
  it('in another order between reports is the same: two implementations may submit them in any order', async () => {
    const text = readFileSync('test/replay/counter.journal', 'utf8');
    const count = '{"step":3,"report":"counter/count","text":"2"}\n';
    const state = '{"step":3,"report":"counter/state","text":"2\\nb"}\n';
    expect(text).toContain(count + state);
    const journal = parseJournal(enc(text.replace(count + state, state + count)), 'test/replay/counter.journal');
    await expect(replay(journal)).resolves.toEqual({ steps: 9 });
  });

  it('a value recorded twice in a step, or once more than replayed, is a difference', async () => {
    const text = readFileSync('test/replay/counter.journal', 'utf8');
    const out = '{"step":3,"report":"plus-one/out","text":"3"}\n';
    const journal = parseJournal(enc(text.replace(out, out + out)), 'test/replay/counter.journal');
    const { divergence } = await replay(journal);
    expect(divergence).toMatchObject({ step: 3, report: 'plus-one/out', recorded: [enc('3'), enc('3')], replayed: [enc('3')] });
    expect(describeDivergence(divergence!)).toBe(
      'step 3 (input input/input = "b"): report plus-one/out differs\n  recorded 2 change(s) in this step, replayed 1\n  change 2 of the step:\n  recorded: "3"\n  replayed: no change',
    );
  });

  it('a change only the replay made is a difference, whether the recording has more of the step after it or not', async () => {
    const text = readFileSync('test/replay/counter.journal', 'utf8');
    for (const dropped of ['{"step":3,"report":"counter/count","text":"2"}\n', '{"step":3,"report":"plus-one/out","text":"3"}\n']) {
      expect(text).toContain(dropped);
      const { divergence } = await replay(parseJournal(enc(text.replace(dropped, '')), 'test/replay/counter.journal'));
      const report = (JSON.parse(dropped) as { report: string }).report;
      expect(divergence).toMatchObject({ step: 3, report, recorded: [], replayed: [enc((JSON.parse(dropped) as { text: string }).text)] });
    }
  });
});

describe('the components of a journal', () => {
  /** The counter example copied to a folder of its own, recorded there with a swap to counter-rust by path. */
  async function recordedCopy(): Promise<{ dir: string; file: string }> {
    const dir = join(tmp, `copy-${++made}`);
    for (const f of ['examples/counter/scenario.yaml', 'components/counter-wat/counter-wat.wasm', 'components/adder-wat/adder-wat.wasm', 'components/counter-rust/counter-rust.wasm']) {
      cpSync(f, join(dir, f));
    }
    const file = join(dir, 'run.journal');
    await record(file, async (host) => {
      await host.apply(await loadScenario(join(dir, 'examples/counter/scenario.yaml')));
      await host.publish('input', 'a');
      await host.swap('counter', join(dir, 'components/counter-rust/counter-rust.wasm'));
      await host.publish('input', 'b');
    });
    return { dir, file };
  }

  it('refuses a component changed on disk since the recording, naming it; --swap on purpose replays against it', async () => {
    const { dir, file } = await recordedCopy();
    const counter = join(dir, 'components/counter-wat/counter-wat.wasm');
    copyFileSync(WASM.counterHidden, counter);
    const journal = await readJournal(file);
    await expect(replay(journal)).rejects.toThrow(
      `journal ${file}, step 1: component "counter" (${counter}) is not the one recorded (recorded ${sha256(WASM.counterWat).slice(0, 12)}, found ${sha256(WASM.counterHidden).slice(0, 12)}): ` +
        `rebuild it from the recorded source, or replay against it on purpose with --swap CHILD=${counter}`,
    );
    const { divergence } = await replay(journal, { swaps: { counter } });
    expect(divergence).toMatchObject({ step: 1, report: 'counter/state', recorded: [enc('0')], replayed: [] });
  });

  it('refuses a component changed on disk into one that does not load with that, not the load error', async () => {
    const { dir, file } = await recordedCopy();
    const counter = join(dir, 'components/counter-wat/counter-wat.wasm');
    writeFileSync(counter, 'not wasm');
    await expect(replay(await readJournal(file))).rejects.toThrow(
      `journal ${file}, step 1: component "counter" (${counter}) is not the one recorded (recorded ${sha256(WASM.counterWat).slice(0, 12)}, found ${createHash('sha256').update('not wasm').digest('hex').slice(0, 12)})`,
    );
  });

  it('refuses a component swapped in by path that changed on disk, at its step', async () => {
    const { dir, file } = await recordedCopy();
    const rust = join(dir, 'components/counter-rust/counter-rust.wasm');
    copyFileSync(WASM.counterHidden, rust);
    await expect(replay(await readJournal(file))).rejects.toThrow(
      `journal ${file}, step 3: component "counter-rust.wasm" (${rust}) is not the one recorded (recorded ${sha256(WASM.counterRust).slice(0, 12)}, found ${sha256(WASM.counterHidden).slice(0, 12)})`,
    );
  });

  it('a component swapped in as bytes is not on disk: the replay asks for it with --swap', async () => {
    const file = fresh('bytes');
    await record(file, async (host) => {
      await host.apply(counterScenario(WASM.counterWat));
      await host.publish('input', 'a');
      await host.swap('counter', readFileSync(WASM.counterRust));
      await host.publish('input', 'b');
    });
    const journal = await readJournal(file);
    expect(eventAt(journal, 3)).toEqual({ step: 3, swap: 'counter', component: sha256(WASM.counterRust), path: null });
    await expect(replay(journal)).rejects.toThrow(
      `journal ${file}, step 3: child "counter" was swapped to component ${sha256(WASM.counterRust).slice(0, 12)}, which was given as bytes and is not on disk: pass it with --swap counter=FILE`,
    );
    await expect(replay(journal, { swaps: { counter: WASM.counterRust } })).resolves.toEqual({ steps: 4 });
  });
});

describe('golden journals (test/replay/README.md)', () => {
  it('counter.journal replays as recorded', () => assertReplays('test/replay/counter.journal'));
  it('windows.journal replays as recorded', () => assertReplays('test/replay/windows.journal'));

  it('are replayed from their packed bytes: a step’s entries are made back only for a step that differs', async () => {
    const entries = vi.spyOn(PackedSteps.prototype, 'entries');
    try {
      const journal = await readJournal('test/replay/windows.journal');
      expect(await replay(journal)).toEqual({ steps: journal.steps.length });
      expect(entries).not.toHaveBeenCalled();
      const classic = 'components/decorator-classic/decorator-classic.wasm';
      const { divergence } = await replay(journal, { swaps: { decorator: classic } });
      const at = journal.steps.findIndex((s) => s.event.step === divergence?.step);
      expect(at).toBeGreaterThanOrEqual(0);
      expect(entries).toHaveBeenCalled();
      expect(entries.mock.calls.every(([index]) => index === at)).toBe(true);
    } finally {
      entries.mockRestore();
    }
  });

  it('replay as well when their steps are put together otherwise: by hand, a prefix, or spliced from another journal', async () => {
    const counter = await readJournal('test/replay/counter.journal');
    const tampered = await readJournal('test/replay/tampered-report.journal');
    const byHand = counter.steps.map(({ event, caused, offset }) => ({ event, caused, offset }));
    expect(await replay({ ...counter, steps: byHand })).toEqual({ steps: counter.steps.length });
    expect(await replay({ ...counter, steps: counter.steps.slice(0, 4) })).toEqual({ steps: 4 });
    const alone = await replay(tampered);
    expect(alone.divergence).toMatchObject({ kind: 'report' });
    expect(await replay({ ...counter, steps: tampered.steps })).toEqual(alone);
    const spliced = [...counter.steps.slice(0, 2), ...tampered.steps.slice(2)];
    expect(await replay({ ...counter, steps: spliced })).toEqual(alone);
  });

  const golden = readFileSync('test/replay/counter.journal', 'latin1');
  /** Each tampered copy: the edit that makes it from counter.journal, and the error it must give. */
  const TAMPERED: readonly [file: string, edit: (g: string) => string, message: string | RegExp][] = [
    ['bad-version', (g) => g.replace('"version":1,', '"version":99,'), 'journal test/replay/bad-version.journal is in format version 99, and this romhost reads version 1: replay it with the romhost that recorded it'],
    ['no-header', (g) => g.slice(g.indexOf('\n') + 1), 'test/replay/no-header.journal is not a romhost journal: its first line must be {"romhost":"journal","version":N,...}; record one with romhost run --record FILE'],
    ['not-json', (g) => g.replace('{"step":3,"report":"counter/count","text":"2"}\n', '{"step":3,"report":"counter/count","text":"2"\n'), 'journal test/replay/not-json.journal is damaged at byte 1592 (line 13): the line is not JSON'],
    ['truncated', (g) => g.slice(0, -21), 'journal test/replay/truncated.journal is damaged at byte 2523 (line 30): the last line ends without a newline: the run that wrote it was cut short'],
    [
      'steps-out-of-order',
      (g) => g.replace('{"step":4,"input":"input/input","text":"b"}\n', '').replace(/({"step":5,"lifecycle"[^\n]*\n)/, '$1{"step":4,"input":"input/input","text":"b"}\n'),
      'journal test/replay/steps-out-of-order.journal is damaged at byte 1898 (line 18): step 4 comes after step 5',
    ],
    ['foreign-entry', (g) => g.replace('{"step":3,"report":"counter/count"', '{"step":2,"report":"counter/count"'), 'journal test/replay/foreign-entry.journal is damaged at byte 1592 (line 13): an entry of step 2 is among those of step 3'],
    [
      'unknown-entry',
      (g) => g.replace('{"step":7,"lifecycle":"stopped","child":"plus-one"}', '{"step":7,"paused":"plus-one"}'),
      // Every kind of entry is named (more may come: a kind added is not a new version, an entry changed is).
      /^journal test\/replay\/unknown-entry\.journal is damaged at byte 2165 \(line 24\): not a journal entry: an entry is a JSON object with "step" and one of "apply", "input", "kill", "restart", (.*, )?"swap", "report", "fault", "lifecycle"$/,
    ],
  ];

  it.each(TAMPERED)('%s.journal is one edit of counter.journal and is refused with the file, and the byte and line of the damage', async (name, edit, message) => {
    const file = `test/replay/${name}.journal`;
    const bytes = readFileSync(file);
    expect(bytes.toString('latin1')).toBe(edit(golden));
    await expect(assertReplays(file)).rejects.toThrow(message);
    await expect(readJournal(file)).rejects.toMatchObject({
      message: typeof message === 'string' ? message : expect.stringMatching(message),
      code: expect.stringMatching(/^journal-(version|not-journal|damaged)$/),
    });
    // The byte and line named are where the damaged line starts in the file.
    const at = /at byte (\d+) \\?\(line (\d+)\\?\)/.exec(typeof message === 'string' ? message : message.source);
    if (at) {
      const offset = Number(at[1]);
      expect(bytes.subarray(0, offset).filter((b) => b === 0x0a).length).toBe(Number(at[2]) - 1);
      expect(offset === 0 || bytes[offset - 1] === 0x0a).toBe(true);
      expect(bytes.subarray(offset).toString('latin1')).not.toBe(golden.slice(offset));
    }
  });

  it('names what is wrong with a line that is not an entry, and reads a later version as that version', () => {
    const header = '{"romhost":"journal","version":1,"world":"romhost:component/state-machine@0.1.0"}\n';
    const read = (text: string) => () => parseJournal(enc(text), 'j.journal');
    expect(read(`${header}{"step":1,"lifecycle":"stopped"}\n`)).toThrow(
      'journal j.journal is damaged at byte 82 (line 2): not a journal entry of kind "lifecycle" (child: Invalid input: expected string, received undefined)',
    );
    expect(read(`${header}{"step":1,"kill":"c"}\n{"step":1,"report":"c/r","text":"x","base64":"eA=="}\n`)).toThrow(
      'journal j.journal is damaged at byte 104 (line 3): not a journal entry of kind "report" (Unrecognized key: "base64")',
    );
    expect(read(`${header}{"step":0,"kill":"c"}\n`)).toThrow('journal j.journal is damaged at byte 82 (line 2): not a journal entry of kind "kill" (step: Too small: expected number to be >0)');
    expect(read(`${header}{"step":1,"report":"c/r","text":"x"}\n`)).toThrow('journal j.journal is damaged at byte 82 (line 2): what a step caused comes before any step');
    expect(read(`${header}[]\n`)).toThrow('journal j.journal is damaged at byte 82 (line 2): not a journal entry: an entry is a JSON object with "step"');
    expect(read(`${header}{"step":1,"input":"input/a b","text":"x"}\n`)).toThrow(
      `journal j.journal is damaged at byte 82 (line 2): "input/a b" is not an input: input/NAME, its NAME of letters, digits, '.', '_', '-' and '/' with no empty part`,
    );
    // A later format may add keys to its header: it is still refused as that version, not as something else.
    expect(read('{"romhost":"journal","version":2,"world":"romhost:component/state-machine@0.2.0","compressed":false}\n')).toThrow(
      'journal j.journal is in format version 2, and this romhost reads version 1',
    );
    expect(read('')).toThrow('j.journal is not a romhost journal');
    // Bytes that are not UTF-8 on a line, a last line cut inside a character, an editor's byte order mark.
    const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
    expect(() => parseJournal(bytes(header, '{"step":1,"kill":"c"}\n{"step":1,', [0xff], '}\n'), 'j.journal')).toThrow(
      'journal j.journal is damaged at byte 104 (line 3): the line is not JSON',
    );
    expect(() => parseJournal(bytes(header, '{"step":1,"kill":"c"}\n{"step":1,"report":"c/r","text":"', [0xe2, 0x98]), 'j.journal')).toThrow(
      'journal j.journal is damaged at byte 104 (line 3): the last line ends without a newline',
    );
    expect(() => parseJournal(bytes([0xef, 0xbb, 0xbf], header, '{"step":1,"kill":"ü"}\n{"step":1,"kill":"c"}\n'), 'j.journal')).toThrow(
      'journal j.journal is damaged at byte 108 (line 3): step 1 comes after step 1',
    );
    expect(parseJournal(enc(header), 'j.journal')).toMatchObject({ file: 'j.journal', header: JSON.parse(header) as unknown, steps: [] });
  });

  it('tampered-report.journal is read, and diverges at the tampered value as a text diff', async () => {
    const file = 'test/replay/tampered-report.journal';
    expect(readFileSync(file, 'latin1')).toBe(golden.replace('{"step":8,"report":"counter/state","text":"4\\nc"}', '{"step":8,"report":"counter/state","text":"4\\nd"}'));
    await expect(assertReplays(file)).rejects.toThrow(
      new Error(
        `replay of ${file} diverged at step 8 (input input/input = "c"): report counter/state differs\n` +
          '  --- recorded\n' +
          '  +++ replayed\n' +
          '  @@ -1,2 +1,2 @@\n' +
          '   4\n' +
          '  -d\n' +
          '  +c',
      ),
    );
  });
});

// The CLI tests wait for processes started before all the others (CLI_RUNS): on a busy machine that can take a while.
const CLI_TIMEOUT = 120_000;

describe('romhost run --record', () => {
  it('records the same bytes twice: the golden counter journal', { timeout: CLI_TIMEOUT }, async () => {
    for (const [name, file] of [['record1', CLI_RECORDED[0]], ['record2', CLI_RECORDED[1]]] as const) {
      expect(await cli[name]).toEqual({ code: 0, stdout: '{"reports":{"counter/count":"4","counter/state":"4\\nc","plus-one/out":"5"},"faults":[]}\n', stderr: '' });
      expect(readFileSync(file).equals(readFileSync('test/replay/counter.journal'))).toBe(true);
    }
  });
});

describe('romhost replay', { timeout: CLI_TIMEOUT }, () => {
  const description =
    'step 1 (apply ../../examples/counter/scenario.yaml): report counter/state differs\n' +
    '  recorded 1 change(s) in this step, replayed 0\n' +
    '  recorded: "0"\n' +
    '  replayed: no change';

  it('exits 0 on an identical replay', async () => {
    expect(await cli.identical).toEqual({ code: 0, stdout: 'test/replay/counter.journal: identical: 9 steps replayed\n', stderr: '' });
    // --scenario with the scenario recorded changes nothing.
    await expect(replay(await readJournal('test/replay/counter.journal'), { scenario: 'examples/counter/scenario.yaml' })).resolves.toEqual({ steps: 9 });
  });

  it('exits 1 at the first divergence: --swap, as JSON', async () => {
    const r = await cli.swapJson;
    expect([r.code, r.stderr]).toEqual([1, '']);
    expect(JSON.parse(r.stdout)).toEqual({
      journal: 'test/replay/counter.journal',
      steps: 1,
      of: 9,
      identical: false,
      divergence: { step: 1, kind: 'report', child: 'counter', report: 'counter/state', recorded: ['0'], replayed: [], description },
    });
  });

  it('exits 1 at the first divergence: --scenario, in text', async () => {
    expect(await cli.scenario).toEqual({ code: 1, stdout: `test/replay/counter.journal: diverged at ${description}\n`, stderr: '' });
  });

  it('says in one line, exit 2, what keeps it from replaying', async () => {
    const expected = {
      badVersion: 'journal test/replay/bad-version.journal is in format version 99, and this romhost reads version 1: replay it with the romhost that recorded it',
      notJson: 'journal test/replay/not-json.journal is damaged at byte 1592 (line 13): the line is not JSON',
      badSwap: '--swap counter: expected CHILD=COMPONENT.wasm, e.g. --swap counter=components/counter-c/counter-c.wasm',
    } as const;
    for (const [name, message] of Object.entries(expected)) {
      expect(await cli[name as keyof typeof expected]).toEqual({ code: 2, stdout: '', stderr: `romhost: ${message}\n` });
    }
    await expect(readJournal(join(tmp, 'nothing-here.journal'))).rejects.toThrow(`journal ${join(tmp, 'nothing-here.journal')} cannot be read: no such file`);
    await expect(readJournal('examples/counter/scenario.yaml')).rejects.toThrow(
      'examples/counter/scenario.yaml is not a romhost journal: its first line must be {"romhost":"journal","version":N,...}; record one with romhost run --record FILE',
    );
  });
});
