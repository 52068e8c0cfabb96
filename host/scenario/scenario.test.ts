import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isRomhostError, type RomhostError } from '../errors.js';
import { DEFAULT_LIMITS, DEFAULT_RESTART, loadScenario, parseScenario, scenarioJsonSchema, type Scenario } from './index.js';
import { scenarioJsonSchemaText } from './json-schema.js';
import { nearestName } from './nearest-name.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** A file from its lines, so each test can see which line an error must name. */
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;
const utf8 = (text: string) => new TextEncoder().encode(text);

function errorOf(text: string, file = 'scenario.yaml'): RomhostError {
  try {
    parseScenario(text, file);
  } catch (error) {
    if (isRomhostError(error)) return error;
    throw error;
  }
  throw new Error('parsed without an error');
}

/** The smallest valid preamble: one component, the children follow on line 3. */
const head = ['components:', '  c: c.wasm', 'children:'];

describe('a valid file', () => {
  test('becomes the exact Scenario', () => {
    const text = yaml(
      '# yaml-language-server: $schema=../../host/scenario/scenario.schema.json',
      'components:',
      '  counter: ../../components/counter-wat/counter.wasm',
      '  shared: /opt/wasm/shared.wasm',
      'children:',
      '  counter:',
      '    component: counter',
      '    roms:',
      '      input: input/input',
      '      state: counter/state',
      '      room: input/room/1/msg',
      '      host: host/state',
      '    config:',
      '      greeting: hello',
      '    reports: [count, state]',
      '    limits: { report_kib: 64 }',
      '  B-side:',
      '    component: shared',
      'limits: { fuel: 5000 }',
    );
    const expected: Scenario = {
      file: 'examples/counter/scenario.yaml',
      text,
      components: {
        counter: { name: 'counter', path: path.resolve('components/counter-wat/counter.wasm'), line: 3 },
        shared: { name: 'shared', path: '/opt/wasm/shared.wasm', line: 4 },
      },
      children: [
        {
          name: 'B-side',
          component: 'shared',
          roms: {},
          config: {},
          reports: [],
          limits: { ...DEFAULT_LIMITS, fuel: 5000 },
          restart: DEFAULT_RESTART,
          line: 17,
        },
        {
          name: 'counter',
          component: 'counter',
          roms: {
            input: { kind: 'input', name: 'input' },
            state: { kind: 'report', child: 'counter', report: 'state' },
            room: { kind: 'input', name: 'room/1/msg' },
            host: { kind: 'host-state' },
          },
          config: { greeting: utf8('hello') },
          reports: ['count', 'state'],
          limits: { ...DEFAULT_LIMITS, fuel: 5000, report_kib: 64 },
          restart: DEFAULT_RESTART,
          line: 6,
        },
      ],
      limits: { ...DEFAULT_LIMITS, fuel: 5000 },
      restart: DEFAULT_RESTART,
      subsystems: [],
    };
    const scenario = parseScenario(text, 'examples/counter/scenario.yaml');
    expect(scenario).toEqual(expected);
    expect(Object.keys(scenario.children[1]?.roms ?? {})).toEqual(['input', 'state', 'room', 'host']);
  });

  test('sorts children by code unit, not by locale', () => {
    const children = ['b', 'a', 'Z', 'a2', '0'].flatMap((name) => [`  ${name}:`, '    component: c']);
    const scenario = parseScenario(yaml(...head, ...children), 's.yaml');
    expect(scenario.children.map((c) => c.name)).toEqual(['0', 'Z', 'a', 'a2', 'b']);
  });

  test('resolves component paths against the file, or the cwd for <inline>', () => {
    const text = yaml('components:', '  c: lib/c.wasm', 'children: {}');
    expect(parseScenario(text, '/srv/scenarios/wm.yaml').components['c']?.path).toBe('/srv/scenarios/lib/c.wasm');
    expect(parseScenario(text, '<inline>').components['c']?.path).toBe(path.join(process.cwd(), 'lib/c.wasm'));
  });

  test('takes aliases as their anchors', () => {
    const text = yaml(...head, '  a: &twin', '    component: c', '    reports: [r]', '  b: *twin');
    const scenario = parseScenario(text, 's.yaml');
    expect(scenario.children.map((c) => [c.name, c.reports, c.line])).toEqual([
      ['a', ['r'], 4],
      ['b', ['r'], 7],
    ]);
  });
});

describe('restart policy', () => {
  test('defaults, the scenario\'s, and a child\'s overrides', () => {
    const text = yaml(...head, '  a:', '    component: c', '    restart: { max: 0 }', '  b:', '    component: c', 'restart: { within_steps: 10, backoff_steps: 0 }');
    const scenario = parseScenario(text, 's.yaml');
    expect(scenario.restart).toEqual({ ...DEFAULT_RESTART, within_steps: 10, backoff_steps: 0 });
    expect(scenario.children.map((c) => c.restart)).toEqual([
      { max: 0, within_steps: 10, backoff_steps: 0 },
      { max: DEFAULT_RESTART.max, within_steps: 10, backoff_steps: 0 },
    ]);
    expect(parseScenario(yaml(...head, '  a:', '    component: c'), 's.yaml').children[0]?.restart).toEqual(DEFAULT_RESTART);
  });

  test('a bad policy names its field', () => {
    expect(() => parseScenario(yaml(...head, '  a:', '    component: c', 'restart: { max: -1 }'), 's.yaml')).toThrow(
      's.yaml:6: restart.max: expected a whole number, 0 or more, got -1',
    );
    expect(() => parseScenario(yaml(...head, '  a:', '    component: c', '    restart: { maxx: 1 }'), 's.yaml')).toThrow(
      's.yaml:6: child "a": restart: unknown field "maxx" (did you mean "max"?)',
    );
  });
});

describe('limits', () => {
  const limitsOf = (...lines: string[]) => parseScenario(yaml(...head, '  a:', '    component: c', ...lines), 's.yaml');

  test('default to DEFAULT_LIMITS', () => {
    const scenario = limitsOf();
    expect(DEFAULT_LIMITS).toEqual({
      fuel: 100_000_000,
      memory_mib: 256,
      report_kib: 1024,
      reports_per_update: 64,
      updates_per_step: 1000,
      max_warm: 10_000,
    });
    expect(scenario.limits).toEqual(DEFAULT_LIMITS);
    expect(scenario.children[0]?.limits).toEqual(DEFAULT_LIMITS);
  });

  test('merge defaults, then the scenario, then the child', () => {
    const scenario = limitsOf(
      '    limits: { memory_mib: 16, reports_per_update: 8 }',
      'limits: { fuel: 100, memory_mib: 32, report_kib: 4, reports_per_update: 2, updates_per_step: 7 }',
    );
    expect(scenario.limits).toEqual({ fuel: 100, memory_mib: 32, report_kib: 4, reports_per_update: 2, updates_per_step: 7, max_warm: 10_000 });
    expect(scenario.children[0]?.limits).toEqual({
      fuel: 100,
      memory_mib: 16,
      report_kib: 4,
      reports_per_update: 8,
      updates_per_step: 7,
      max_warm: 10_000,
    });
  });
});

describe('config values', () => {
  test('a string is its UTF-8 bytes, anything else its JSON', () => {
    const text = yaml(
      ...head,
      '  a:',
      '    component: c',
      '    config:',
      '      text: grüße',
      '      empty: ""',
      '      quoted: "42"',
      '      number: 42',
      '      real: 1.5',
      '      yes: true',
      '      list: [1, two, null]',
      '      map: { b: 2, a: [x] }',
      '      block: |',
      '        line one',
      '        line two',
    );
    const decoded = Object.fromEntries(
      Object.entries(parseScenario(text, 's.yaml').children[0]?.config ?? {}).map(([k, v]) => [k, new TextDecoder().decode(v)]),
    );
    expect(decoded).toEqual({
      text: 'grüße',
      empty: '',
      quoted: '42',
      number: '42',
      real: '1.5',
      yes: 'true',
      list: '[1,"two",null]',
      map: '{"b":2,"a":["x"]}',
      block: 'line one\nline two\n',
    });
    expect(parseScenario(text, 's.yaml').children[0]?.config['text']).toEqual(
      new Uint8Array([0x67, 0x72, 0xc3, 0xbc, 0xc3, 0x9f, 0x65]),
    );
  });
});

describe('errors name file, line and field', () => {
  const child = (...lines: string[]) => yaml(...head, '  a:', '    component: c', ...lines);
  const cases: [string, string, string][] = [
    // [what, file text, exact message]
    ['an empty file', '', 'scenario.yaml:1: the file is empty: a scenario needs at least components: and children: (see docs/scenario.md)'],
    ['a file of comments', '# nothing yet\n', 'scenario.yaml:1: the file is empty: a scenario needs at least components: and children: (see docs/scenario.md)'],
    ['a list at the top', yaml('# a list', '- c.wasm'), 'scenario.yaml:2: the top level must be a map with components: and children:, but is a list'],
    ['a YAML syntax error', yaml(...head, '  a:', '    component: c', '    roms: { p: input/p', 'limits: {}'), 'scenario.yaml:7: YAML: Flow map in block collection must be sufficiently indented and end with a }'],
    ['a tab', yaml(...head, '  a:', '\tcomponent: c'), 'scenario.yaml:5: YAML: Tabs are not allowed as indentation'],
    ['an unknown tag', child('    config: { p: !bytes xyz }'), 'scenario.yaml:6: YAML: Unresolved tag: !bytes'],
    ['two documents', yaml(...head, '---', 'children: {}'), 'scenario.yaml:4: a scenario is one YAML document: remove the second "---" and what follows, or split the file'],
    ['a duplicate key', yaml(...head, '  a:', '    component: c', '  a:', '    component: c'), 'scenario.yaml:6: duplicate key "a": a map names each key once'],
    ['an unknown top-level field', yaml(...head.slice(0, 2), 'childs: {}'), 'scenario.yaml:3: unknown field "childs" (did you mean "children"?)'],
    ['an unknown field without a near name', yaml(...head, '  a:', '    component: c', 'policy: strict'), 'scenario.yaml:6: unknown field "policy" (fields: components, children, limits, restart)'],
    ['an unknown child field', child('    romz: {}'), 'scenario.yaml:6: child "a": unknown field "romz" (did you mean "roms"?)'],
    ['a misspelt required field', yaml(...head, '  a:', '    componnet: c'), 'scenario.yaml:5: child "a": unknown field "componnet" (did you mean "component"?)'],
    ['an unknown limit', child('    limits:', '      fule: 3'), 'scenario.yaml:7: child "a": limits: unknown field "fule" (did you mean "fuel"?)'],
    ['a missing field', yaml(...head, '  a:', '    reports: [r]'), 'scenario.yaml:4: child "a": needs component: (the component it runs) or scenario: (the file of the subsystem it is)'],
    ['an empty child', yaml(...head, '  a:'), 'scenario.yaml:4: child "a": expected a map with component (or scenario), roms, config, reports, limits and restart, got nothing'],
    ['a component that is no name', yaml(...head, '  a: { component: [c] }'), 'scenario.yaml:4: child "a": component: expected the name of an entry of components, got a list'],
    ['missing children', yaml(...head.slice(0, 2)), 'scenario.yaml:1: children is missing: expected a map of child name to child'],
    ['a wrong type', yaml(...head.slice(0, 2), 'children: [a, b]'), 'scenario.yaml:3: children: expected a map of child name to child, got a list'],
    ['a string limit', child('limits: { fuel: ten }'), 'scenario.yaml:6: limits.fuel: expected a positive whole number, got "ten"'],
    ['a zero limit', child('    limits: { report_kib: 0 }'), 'scenario.yaml:6: child "a": limits.report_kib: expected a positive whole number, got 0'],
    ['a fractional limit', child('limits: { updates_per_step: 2.5 }'), 'scenario.yaml:6: limits.updates_per_step: expected a positive whole number, got 2.5'],
    ['too much memory', child('limits: { memory_mib: 8192 }'), 'scenario.yaml:6: limits.memory_mib: expected a whole number from 1 to 4096, got 8192'],
    ['a component without a path', yaml('components:', '  c: ""', 'children: {}'), 'scenario.yaml:2: component "c": expected the path of a .wasm file, got ""'],
    ['a missing component', yaml(...head, '  a:', '    component: countr'), 'scenario.yaml:5: child "a": component "countr" is not in components'],
    ['a misspelt component', yaml('components:', '  counter: c.wasm', 'children:', '  a:', '    component: countr'), 'scenario.yaml:5: child "a": component "countr" is not in components (did you mean "counter"?)'],
    ['no components at all', yaml('components: {}', 'children:', '  a:', '    component: c'), 'scenario.yaml:4: child "a": component "c" is not in components (components is empty)'],
    [
      'a dangling route',
      yaml(
        'components: { c: c.wasm }',
        'children:',
        '  wm:',
        '    component: c',
        '    reports: [pointer, layout]',
        '  decorator:',
        '    component: c',
        '    roms:',
        '      layout: wm/layout',
        '      pointer: wm/pointr',
      ),
      'scenario.yaml:10: child "decorator": rom "pointer" routes to "wm/pointr", which no child reports (did you mean "wm/pointer"?)',
    ],
    ['a route to an undeclared report', child('    roms: { s: a/state }'), 'scenario.yaml:6: child "a": rom "s" routes to "a/state", which no child reports'],
    ['a route that is no source', child('    roms: { p: pointer }'), 'scenario.yaml:6: child "a": rom "p": expected a source: CHILD/REPORT, input/NAME or host/state, got "pointer"'],
    ['another host report', child('    roms: { p: host/children }'), 'scenario.yaml:6: child "a": rom "p": expected a source: CHILD/REPORT, input/NAME or host/state (the host\'s only report is host/state), got "host/children"'],
    ['an empty input name part', child('    roms: { p: input/room//msg }'), 'scenario.yaml:6: child "a": rom "p": expected a source: CHILD/REPORT, input/NAME or host/state (an input\'s NAME uses letters, digits, \'.\', \'_\', \'-\' and \'/\', with no empty part), got "input/room//msg"'],
    ['a config route', child('    roms: { p: config/p }'), 'scenario.yaml:6: child "a": rom "p": expected a source: CHILD/REPORT, input/NAME or host/state (inline values go under config:, not roms:), got "config/p"'],
    ['a reserved child name', yaml(...head, '  input:', '    component: c'), 'scenario.yaml:4: child "input": input, host and config are reserved names (they would clash with sources): choose another'],
    ['a bad child name', yaml(...head, '  my child:', '    component: c'), 'scenario.yaml:4: child "my child": the name may use only letters, digits, \'_\' and \'-\', and must start with a letter or digit; a family is NAME/* (e.g. room/*)'],
    ['a bad component name', yaml('components:', '  lib/c: c.wasm', 'children: {}'), 'scenario.yaml:2: component "lib/c": the name may use only letters, digits, \'_\' and \'-\', and must start with a letter or digit'],
    ['a bad ROM name', child('    roms:', '      "my rom": input/x'), 'scenario.yaml:7: child "a": rom "my rom": a local ROM name may use only letters, digits, \'.\', \'_\' and \'-\', and must start with a letter or digit'],
    ['a __proto__ ROM', child('    roms:', '      __proto__: input/x'), 'scenario.yaml:7: child "a": rom "__proto__": this name is not allowed (JavaScript objects cannot hold it): choose another'],
    ['a report with a slash', child('    reports:', '      - ok', '      - a/b'), 'scenario.yaml:8: child "a": report "a/b": a component\'s report name has no \'/\''],
    ['an empty report name', child('    reports: [""]'), 'scenario.yaml:6: child "a": reports[0]: expected a report name: not empty, no \'/\' (a subsystem\'s reports are CHILD/REPORT of its scenario), got ""'],
    ['a duplicate report', child('    reports:', '      - count', '      - state', '      - count'), 'scenario.yaml:9: child "a": report "count" is listed twice'],
    ['a ROM in roms and config', child('    roms: { p: input/p }', '    config:', '      p: 1'), 'scenario.yaml:8: child "a": rom "p" is in both roms and config: a local ROM has one source, remove one'],
    ['an empty config value', child('    config:', '      p:'), 'scenario.yaml:7: child "a": config "p": expected a string (the ROM is its UTF-8 bytes) or a map, list, number or boolean (the ROM is its JSON), got nothing'],
    ['binary config', child('    config: { p: !!binary aGk= }'), 'scenario.yaml:6: child "a": config "p": expected a string (the ROM is its UTF-8 bytes) or a map, list, number or boolean (the ROM is its JSON), got binary data'],
    ['an infinite config number', child('    config: { p: .inf }'), 'scenario.yaml:6: child "a": config "p": expected a string (the ROM is its UTF-8 bytes) or a map, list, number or boolean (the ROM is its JSON), got Infinity'],
  ];

  test.each(cases)('%s', (_, text, message) => {
    const error = errorOf(text);
    expect(error.message).toBe(message);
    expect(error.code).toBe('scenario-invalid');
  });

  test('the earliest problem in the file is the one reported', () => {
    // zod reports in the order of the schema (components, children, limits), not of the file.
    const shape = yaml('limits: { fuel: -1 }', ...head, '  a b:', '    component: c');
    expect(errorOf(shape).message).toBe('scenario.yaml:1: limits.fuel: expected a positive whole number, got -1');
    // References are checked field by field (component before reports); the file says otherwise.
    const references = yaml(...head, '  a:', '    reports: [r, r]', '    component: nope');
    expect(errorOf(references).message).toBe('scenario.yaml:5: child "a": report "r" is listed twice');
  });

  test('the shape is checked before references', () => {
    const text = yaml(...head, '  b:', '    component: nope', '  a:', '    component: c', '    romz: {}');
    expect(errorOf(text).message).toBe('scenario.yaml:8: child "a": unknown field "romz" (did you mean "roms"?)');
  });

  test('carry file, line and detail as params', () => {
    const error = errorOf(yaml(...head, '  a:', '    component: x'), 'wm/scenario.yaml');
    expect(error.params).toEqual({ file: 'wm/scenario.yaml', line: 5, detail: 'child "a": component "x" is not in components (did you mean "c"?)' });
  });
});

describe('loadScenario', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'romhost-scenario-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('reads the file and resolves paths against its folder', async () => {
    const file = path.join(dir, 'counter.yaml');
    await writeFile(file, yaml('components: { c: wasm/c.wasm }', 'children:', '  a:', '    component: c'));
    const scenario = await loadScenario(file);
    expect(scenario.file).toBe(file);
    expect(scenario.components['c']?.path).toBe(path.join(dir, 'wasm/c.wasm'));
  });

  test('names the file and the OS reason when it cannot read it', async () => {
    const file = path.join(dir, 'missing.yaml');
    await expect(loadScenario(file)).rejects.toMatchObject({
      code: 'scenario-unreadable',
      message: `scenario ${file} cannot be read: no such file or directory`,
    });
    await expect(loadScenario(dir)).rejects.toMatchObject({
      message: `scenario ${dir} cannot be read: illegal operation on a directory`,
    });
  });

  test('reports problems in the file with its path', async () => {
    const file = path.join(dir, 'broken.yaml');
    await writeFile(file, yaml('components: {}', 'children: 3'));
    await expect(loadScenario(file)).rejects.toThrow(`${file}:2: children: expected a map of child name to child, got 3`);
  });
});

test('the example in docs/scenario.md is valid', async () => {
  const guide = await readFile(path.join(here, '../../docs/scenario.md'), 'utf8');
  const example = /```yaml\n([\s\S]*?)```/.exec(guide)?.[1];
  expect(example, 'docs/scenario.md should open with a ```yaml example').toBeDefined();
  const scenario = parseScenario(example ?? '', 'docs/scenario.md');
  expect(scenario.children.map((c) => [c.name, c.limits.report_kib, c.limits.fuel])).toEqual([['counter', 64, 10_000_000]]);
});

describe('the JSON Schema', () => {
  test('committed copy is up to date', async () => {
    const committed = await readFile(path.join(here, 'scenario.schema.json'), 'utf8');
    expect(
      committed === scenarioJsonSchemaText(),
      'host/scenario/scenario.schema.json is out of date with schema.ts: run `npm run schema` and commit it',
    ).toBe(true);
  });

  test('checks child names and sources as the parser does', () => {
    const schema = scenarioJsonSchema() as {
      properties: { children: { propertyNames: { pattern: string }; additionalProperties: ChildSchema } };
    };
    type ChildSchema = { properties: { roms: { additionalProperties: { pattern: string } } } };
    const childName = new RegExp(schema.properties.children.propertyNames.pattern);
    expect(['a', 'wm', 'Room-1', 'inputs', 'hosts'].filter((n) => childName.test(n))).toHaveLength(5);
    expect(['input', 'host', 'config', '-a', 'a b', 'a/b', ''].filter((n) => childName.test(n))).toEqual([]);
    const source = new RegExp(schema.properties.children.additionalProperties.properties.roms.additionalProperties.pattern);
    expect(['wm/layout', 'input/room/1/msg', 'host/state'].every((s) => source.test(s))).toBe(true);
    expect(['wm', 'host/other', 'config/x', 'input/', 'input/a//b', '/x'].some((s) => source.test(s))).toBe(false);
  });
});

test('the public face exports exactly these values', async () => {
  expect(Object.keys(await import('./index.js')).sort()).toEqual([
    'DEFAULT_LIMITS',
    'DEFAULT_RESTART',
    'childChanges',
    'familyOf',
    'formatSource',
    'isFamily',
    'isInputName',
    'isInputSource',
    'isSource',
    'keyOf',
    'loadScenario',
    'matchPattern',
    'memberName',
    'parseScenario',
    'parseSource',
    'replaceSubsystem',
    'resolvePattern',
    'scenarioJsonSchema',
    'sourcePattern',
    'subsystemTexts',
  ]);
});

test('nearestName tolerates a typo, not a different word', () => {
  expect(nearestName('fule', ['fuel', 'memory_mib'])).toBe('fuel');
  expect(nearestName('childs', ['components', 'children', 'limits'])).toBe('children');
  expect(nearestName('policy', ['components', 'children', 'limits'])).toBeUndefined();
  expect(nearestName('ab', ['ac', 'aa'])).toBe('aa');
});
