import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createHost,
  Engine,
  loadScenario,
  packScenario,
  parseScenario,
  readPackage,
  recordRun,
  replayJournal,
  type Host,
  type HostOptions,
  type Scenario,
} from '../host/index.js';
import { romhost, romhostLive } from './support/cli.js';
import { text } from './support/scenarios.js';
import { tempDirs } from './support/temp-dirs.js';

/**
 * Subsystems (docs/scenario.md): a child that is a scenario, its children in a namespace of its
 * own. examples/desktops runs the windows example twice, side by side.
 */

const DESKTOPS = 'examples/desktops/scenario.yaml';
const WINDOWS = 'examples/windows/scenario.yaml';

/** The windows example's own session: its windows, then the pointer moving, pressing and dragging. */
async function session(): Promise<{ name: string; text: string }[]> {
  const lines = (await readFile('examples/windows/session.jsonl', 'utf8')).trim().split('\n');
  return lines.map((line) => {
    const { rom, text } = JSON.parse(line) as { rom: string; text: string };
    return { name: rom.slice('input/'.length), text };
  });
}

let hosts: Host[] = [];
afterEach(async () => {
  for (const host of hosts) await host.close();
  hosts = [];
});
const newFolder = tempDirs('romhost-subsystems-');

async function started(file: string | Scenario, options: HostOptions = {}): Promise<Host> {
  const host = createHost(options);
  hosts.push(host);
  await host.apply(typeof file === 'string' ? await loadScenario(file) : file);
  return host;
}


/** The reports of one subsystem, by their names inside it. */
function reportsOf(host: Host, subsystem: string): Record<string, string | undefined> {
  const prefix = `${subsystem}/`;
  return Object.fromEntries([...host.reports()].filter(([s]) => s.startsWith(prefix)).map(([s, v]) => [s.slice(prefix.length), text(v)]));
}

const stateTree = (host: Host) => JSON.parse(text(host.read('host/state'))!) as { children: Record<string, { status?: string; children?: Record<string, { status: string; component: string }> }> };

describe('two copies of the windows example side by side', () => {
  it('routes a pointer to one only: it behaves as the example alone, and the other does not change', async () => {
    const desktops = await started(DESKTOPS);
    const alone = await started(WINDOWS);
    const inputs = await session();
    const [windows] = inputs;
    await desktops.publish('windows', windows!.text);
    await alone.publish('windows', windows!.text);
    const rightBefore = reportsOf(desktops, 'right');
    expect(Object.keys(rightBefore)).toEqual(['decorator/decorations', 'decorator/hover', 'decorator/margins', 'layouter/rules', 'layouter/window_layout']);

    for (const input of inputs.slice(1)) {
      expect(input.name).toBe('pointer');
      await desktops.publish('left/pointer', input.text);
      await alone.publish('pointer', input.text);
    }
    expect(reportsOf(desktops, 'left')).toEqual(Object.fromEntries([...alone.reports()].map(([s, v]) => [s, text(v)])));
    expect(reportsOf(desktops, 'left')['layouter/window_layout']).not.toEqual(rightBefore['layouter/window_layout']);
    expect(reportsOf(desktops, 'right')).toEqual(rightBefore);
  });

  it('compiles each component once for both copies', async () => {
    const alone = new Engine();
    const both = new Engine();
    await started(WINDOWS, { engine: alone });
    await started(DESKTOPS, { engine: both });
    expect(both.stats().compiledModules).toBe(alone.stats().compiledModules);
    expect(both.stats().components).toBe(alone.stats().components);
  });

  it('names the children by path, and host/state shows them as a tree', async () => {
    const host = await started(DESKTOPS);
    expect(Object.keys(host.state.children)).toEqual(['left/decorator', 'left/layouter', 'right/decorator', 'right/layouter']);
    expect(host.state.subsystems).toEqual(['left', 'right']);
    const tree = stateTree(host);
    expect(Object.keys(tree.children)).toEqual(['left', 'right']);
    expect(Object.keys(tree.children['left']!.children!)).toEqual(['decorator', 'layouter']);
    expect(tree.children['right']!.children!['layouter']!.status).toBe('running');
  });

  it('kills, restarts and hibernates a whole subsystem, or one child inside it', async () => {
    const host = await started(DESKTOPS);
    const status = () => Object.fromEntries(Object.entries(host.state.children).map(([name, c]) => [name, c.status]));
    await host.kill('left');
    expect(status()).toEqual({ 'left/decorator': 'stopped', 'left/layouter': 'stopped', 'right/decorator': 'running', 'right/layouter': 'running' });
    await host.restart('left');
    expect(status()['left/layouter']).toBe('running');
    await host.kill('right/decorator');
    await host.hibernate('right');
    expect(status()).toEqual({ 'left/decorator': 'running', 'left/layouter': 'running', 'right/decorator': 'stopped', 'right/layouter': 'hibernated' });
    expect(stateTree(host).children['right']!.children!['layouter']!.status).toBe('hibernated');
    // A change of its ROMs wakes the hibernated child, and only its own subsystem's inputs reach it.
    await host.publish('right/pointer', '{"x":1,"y":1,"pressed":false}');
    expect(status()['right/layouter']).toBe('running');
  });

  it('swaps a subsystem to another scenario: children that stay the same keep running, and the layout survives', async () => {
    const dir = newFolder();
    const themed = path.join(dir, 'themed.yaml');
    const original = await readFile(WINDOWS, 'utf8');
    const root = path.resolve('.');
    await writeFile(
      themed,
      original
        .replaceAll('../../components/', `${root}/components/`)
        .replace('component: decorator-classic', 'component: decorator-themed'),
    );
    const host = await started(DESKTOPS);
    await host.publish('windows', (await session())[0]!.text);
    const layout = text(host.read('left/layouter/window_layout'));
    const decorator = host.state.children['left/decorator']!.component;
    const layouter = host.state.children['left/layouter']!;

    await host.swap('left', themed);
    expect(host.state.children['left/decorator']!.component).not.toBe(decorator);
    expect(host.state.children['left/layouter']).toEqual(layouter);
    expect(host.state.children['right/decorator']!.component).toBe(decorator);
    expect(host.scenario!.subsystems.find((s) => s.name === 'left')!.file).toBe(themed);
    // The themed decorator has other margins, so the layouter places the same windows anew, from the same state.
    const after = JSON.parse(text(host.read('left/layouter/window_layout'))!) as { id: number }[];
    expect(after.map((w) => w.id)).toEqual((JSON.parse(layout!) as { id: number }[]).map((w) => w.id));
  });

  it('refuses a swap whose scenario does not fit, and keeps the old one running', async () => {
    const dir = newFolder();
    const other = path.join(dir, 'other.yaml');
    await writeFile(other, `components: { c: ${path.resolve('components/counter-wat/counter-wat.wasm')} }\nchildren:\n  layouter: { component: c, roms: { pointer: input/pointer, windows: input/windows }, reports: [count] }\n`);
    const host = await started(DESKTOPS);
    await expect(host.swap('left', other)).rejects.toThrow(/subsystem "left": .*other\.yaml has no report "layouter\/window_layout"/);
    expect(host.scenario!.subsystems.find((s) => s.name === 'left')!.file).toBe(path.join('examples/desktops', '../windows/scenario.yaml'));
    expect(host.state.children['left/layouter']!.status).toBe('running');
  });

  it('refuses shadows of a whole subsystem, naming its children', async () => {
    const host = await started(DESKTOPS);
    await expect(host.shadow('left', 'components/decorator-themed/decorator-themed.wasm')).rejects.toThrow(
      '"left" is a subsystem, which shadow does not take: name one of its children (left/decorator, left/layouter)',
    );
  });

  it('records and replays a run, the subsystems’ scenarios in the journal', async () => {
    const dir = newFolder();
    const file = path.join(dir, 'run.journal');
    const inputs = await session();
    const journal = await recordRun(
      async (host) => {
        await host.apply(await loadScenario(DESKTOPS));
        await host.publish('windows', inputs[0]!.text);
        for (const input of inputs.slice(1, 12)) await host.publish('right/pointer', input.text);
        await host.kill('left');
      },
      { file },
    );
    const apply = journal.steps[0]!.event as { apply: { subsystems: Record<string, { file: string }> } };
    expect(Object.keys(apply.apply.subsystems)).toEqual(['left', 'right']);
    expect(apply.apply.subsystems['left']!.file).toBe(path.relative(dir, path.resolve('examples/windows/scenario.yaml')));
    const result = await replayJournal(journal);
    expect(result.divergence).toBeUndefined();
  });
});

describe('subsystems inside subsystems', () => {
  it('nests names and routes at any depth', async () => {
    const dir = newFolder();
    const top = path.join(dir, 'top.yaml');
    await writeFile(
      top,
      [
        'children:',
        '  office:',
        `    scenario: ${path.resolve(DESKTOPS)}`,
        '    roms: { windows: input/windows, left/pointer: input/pointer }',
        '    reports: [left/layouter/window_layout]',
        '  watcher:',
        '    component: counter',
        '    roms: { input: office/left/layouter/window_layout, state: watcher/state }',
        '    reports: [count, state]',
        `components: { counter: ${path.resolve('components/counter-wat/counter-wat.wasm')} }`,
      ].join('\n'),
    );
    const host = await started(top);
    expect(host.state.subsystems).toEqual(['office', 'office/left', 'office/right']);
    await host.publish('windows', (await session())[0]!.text);
    expect(text(host.read('office/left/layouter/window_layout'))).toContain('Editor');
    expect(text(host.read('office/right/layouter/window_layout'))).toContain('Editor');
    expect(text(host.read('watcher/count'))).toBe('2'); // the layout of no windows, then of three
    const tree = stateTree(host) as unknown as { children: { office: { children: { left: { children: Record<string, unknown> } } } } };
    expect(Object.keys(tree.children.office.children.left.children)).toEqual(['decorator', 'layouter']);
  });
});

describe('a subsystem entry that is wrong', () => {
  const windows = path.resolve(WINDOWS);
  const parent = (...entry: string[]) => ['children:', '  left:', `    scenario: ${windows}`, ...entry.map((l) => `    ${l}`)].join('\n');
  const load = async (yaml: string) => {
    const dir = newFolder();
    const file = path.join(dir, 'parent.yaml');
    await writeFile(file, yaml);
    return loadScenario(file);
  };

  it.each([
    [parent('roms: { pointr: input/pointer }'), /parent\.yaml:4: subsystem "left": "pointr" is no input of .*windows\/scenario\.yaml \(did you mean "pointer"\?\) \(its inputs: pointer, windows\)/],
    [parent('reports: [layouter/rule]'), /parent\.yaml:4: subsystem "left": .* has no report "layouter\/rule" \(did you mean "layouter\/rules"\?\)/],
    [parent('reports: [window_layout]'), /parent\.yaml:4: child "left": report "window_layout": a subsystem lets out sources of its scenario, CHILD\/REPORT/],
    [parent('component: x'), /parent\.yaml:3: child "left": has both component and scenario/],
    [['children:', '  left: { roms: {} }'].join('\n'), /parent\.yaml:2: child "left": needs component: \(the component it runs\) or scenario:/],
    [
      [parent('reports: [layouter/window_layout]'), '  c:', '    component: c', '    roms: { x: left/layouter/rules }', 'components: { c: c.wasm }'].join('\n'),
      /parent\.yaml:7: child "c": rom "x" routes to "left\/layouter\/rules", which subsystem "left" does not let out: add "layouter\/rules" to its reports/,
    ],
  ])('%#: refuses it, naming the line', async (yaml, message) => {
    await expect(load(yaml)).rejects.toThrow(message);
  });

  it('refuses a subsystem that holds itself', async () => {
    const dir = newFolder();
    await writeFile(path.join(dir, 'a.yaml'), 'children:\n  b: { scenario: b.yaml }\n');
    await writeFile(path.join(dir, 'b.yaml'), 'children:\n  a: { scenario: a.yaml }\n');
    await expect(loadScenario(path.join(dir, 'a.yaml'))).rejects.toThrow(/b\.yaml:2: subsystem "a": .*a\.yaml contains itself \(through a\.yaml → b\.yaml\)/);
  });

  it('refuses a family inside a subsystem, and a missing file', async () => {
    await expect(load(['children:', '  chat:', `    scenario: ${path.resolve('examples/rooms/scenario.yaml')}`].join('\n'))).rejects.toThrow(
      /subsystem "chat": .*rooms\/scenario\.yaml has a family \("room\/\*"\): a family cannot live inside a subsystem yet/,
    );
    await expect(load(['children:', '  x:', '    scenario: nowhere.yaml'].join('\n'))).rejects.toThrow(/scenario .*nowhere\.yaml cannot be read: no such file or directory/);
  });

  it('says so when parseScenario is not given a subsystem’s text', () => {
    expect(() => parseScenario(parent(), 'p.yaml')).toThrow('p.yaml:2: subsystem "left": the text of its scenario was not given');
  });
});

describe('a package of a scenario with subsystems', () => {
  it('holds each subsystem scenario once, verified, and runs as the files do', async () => {
    const dir = newFolder();
    const file = path.join(dir, 'desktops.romhost');
    const packed = await packScenario(DESKTOPS);
    expect(Object.keys(packed.manifest.subsystems!)).toEqual(['left', 'right']);
    expect(packed.manifest.subsystems!['left']).toEqual(packed.manifest.subsystems!['right']);
    expect(Object.keys(packed.manifest.components)).toContain('left/layouter');
    const entries = Object.keys(unzipSync(packed.bytes));
    expect(entries.filter((e) => e.startsWith('scenarios/'))).toEqual([`scenarios/${packed.manifest.subsystems!['left']!.sha256}.yaml`]);
    await writeFile(file, packed.bytes);

    const inputs = await session();
    const run = async (scenario: Scenario) => {
      const host = await started(scenario);
      for (const [i, input] of inputs.slice(0, 40).entries()) await host.publish(i === 0 ? 'windows' : 'left/pointer', input.text);
      return Object.fromEntries([...host.reports()].map(([s, v]) => [s, text(v)]));
    };
    const unpacked = (await readPackage(file)).scenario;
    expect(unpacked.subsystems.map((s) => s.name)).toEqual(['left', 'right']);
    expect(await run(unpacked)).toEqual(await run(await loadScenario(DESKTOPS)));
  });

  it('is refused when a subsystem scenario was edited', async () => {
    const dir = newFolder();
    const packed = await packScenario(DESKTOPS);
    const entries = unzipSync(packed.bytes);
    const entry = `scenarios/${packed.manifest.subsystems!['left']!.sha256}.yaml`;
    entries[entry] = strToU8(strFromU8(entries[entry]!).replace('report_kib: 64', 'report_kib: 65'));
    const file = path.join(dir, 'edited.romhost');
    await writeFile(file, zipSync(entries));
    await expect(readPackage(file)).rejects.toThrow(/edited\.romhost/);
    await expect(readPackage(file)).rejects.toMatchObject({ code: 'package-scenario-changed' });
  });
});

describe('romhost run with subsystems', () => {
  it('runs examples/desktops from the command line, and --watch applies a subsystem file that changed', async () => {
    const once = await romhost(['run', DESKTOPS, '--inputs', 'examples/desktops/session.jsonl', '--once']);
    expect(once.stderr).toBe('');
    const { reports } = JSON.parse(once.stdout) as { reports: Record<string, string> };
    expect(Object.keys(reports)).toContain('right/layouter/window_layout');
    expect(reports['left/layouter/window_layout']).not.toBe(reports['right/layouter/window_layout']);

    const dir = newFolder();
    const counter = path.resolve('components/counter-wat/counter-wat.wasm');
    const inner = (extra: string) => `components: { counter: ${counter} }\nchildren:\n  c: { component: counter, roms: { input: input/in, state: c/state }, reports: [count, state] }\n${extra}`;
    await writeFile(path.join(dir, 'inner.yaml'), inner(''));
    await writeFile(path.join(dir, 'top.yaml'), 'children:\n  sub: { scenario: inner.yaml, roms: { in: input/x } }\n');
    const run = romhostLive(['run', path.join(dir, 'top.yaml'), '--watch', '--input', 'x=a']);
    try {
      expect(await run.until(/"report":"sub\/c\/count","text":"1"/)).toBe(true);
      await writeFile(path.join(dir, 'inner.yaml'), inner('  d: { component: counter, roms: { input: input/in, state: d/state }, reports: [count, state] }\n'));
      expect(await run.until(/"report":"sub\/d\/count","text":"1"/)).toBe(true);
      expect(run.stdout()).toMatch(/"applied":\{"file":"[^"]*top\.yaml","started":\["sub\/d"\]/);
    } finally {
      run.stop();
    }
  });
});
