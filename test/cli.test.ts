import { describe, expect, it } from 'vitest';
import { jsonLines, romhost, romhostLive } from './support/cli.js';

const COUNTER = 'examples/counter/scenario.yaml';

describe('romhost run', () => {
  it('--once prints every report as one JSON object', async () => {
    const r = await romhost(['run', COUNTER, '--input', 'input=a', '--input', 'input=b', '--once']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      reports: { 'counter/count': '2', 'counter/state': '2\nb', 'plus-one/out': '3' },
      faults: [],
    });
  });

  it('--inputs reads JSON lines after the --input flags, text or base64', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/romhost-cli-');
    writeFileSync(`${dir}/inputs.jsonl`, '{"rom": "input/input", "text": "x"}\n\n{"rom": "input/input", "base64": "/w=="}\n');
    const r = await romhost(['run', COUNTER, '--input', 'input=a', '--inputs', `${dir}/inputs.jsonl`, '--once']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { reports: Record<string, unknown> };
    expect(out.reports['counter/count']).toBe('3');
    // The state holds the last input, 0xff: not UTF-8, so it comes out as base64.
    expect(out.reports['counter/state']).toEqual({ base64: Buffer.from('3\n\xff', 'latin1').toString('base64') });
  });

  it('runs an --inputs file of more lines than a call takes arguments (run and snapshot)', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/romhost-cli-');
    const lines = Array.from({ length: 200_000 }, (_, i) => `{"rom": "input/input", "text": "${i}"}\n`);
    writeFileSync(`${dir}/inputs.jsonl`, lines.join(''));
    const r = await romhost(['run', COUNTER, '--inputs', `${dir}/inputs.jsonl`, '--once']);
    expect(r.stderr).toBe('');
    expect((JSON.parse(r.stdout) as { reports: Record<string, unknown> }).reports['counter/count']).toBe('200000');
    const s = await romhost(['snapshot', COUNTER, '--inputs', `${dir}/inputs.jsonl`, '-o', `${dir}/run.snapshot`, '--json']);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({ step: 200_001 });
  });

  it('exits 1 with --once when a fault happened', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/romhost-cli-');
    writeFileSync(
      `${dir}/trap.yaml`,
      `components: { trapper: ${process.cwd()}/test/fixtures/trapper/trapper.wasm }
children: { t: { component: trapper, roms: { input: input/input }, reports: [echo] } }
`,
    );
    const r = await romhost(['run', `${dir}/trap.yaml`, '--input', 'input=trap', '--once']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      reports: { 't/echo': '' }, // its report from before the trap stays
      faults: [{ step: 2, child: 't', code: 'trap', message: 'child "t" trapped: unreachable' }],
    });
  });

  it('without --once, prints report changes as JSON lines and reads inputs from stdin', async () => {
    const stdin = '{"rom": "input/input", "text": "a"}\nnonsense\n{"rom": "input/input", "text": "b"}\n';
    const r = await romhost(['run', COUNTER, '--input', 'input=first'], stdin);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'romhost: stdin:2: not JSON: nonsense; a line is {"rom": "input/NAME", "text": "..."}, {"rom": "input/NAME", "base64": "..."}, {"kill": "CHILD"}, {"restart": "CHILD"}, {"hibernate": "CHILD"}, {"swap": "CHILD", "component": "PATH.wasm"}, {"shadow": "CHILD", "component": "PATH.wasm"}, {"promote": "CHILD"}, {"unshadow": "CHILD"} or {"snapshot": "PATH"}\n',
    );
    const hash = expect.stringMatching(/^[0-9a-f]{64}$/);
    expect(jsonLines(r.stdout)).toEqual([
      { step: 1, child: 'counter', lifecycle: 'started', component: hash },
      { step: 1, child: 'plus-one', lifecycle: 'started', component: hash },
      { step: 1, report: 'counter/count', text: '0' },
      { step: 1, report: 'counter/state', text: '0' },
      { step: 1, report: 'plus-one/out', text: '1' },
      { step: 2, report: 'counter/count', text: '1' },
      { step: 2, report: 'counter/state', text: '1\nfirst' },
      { step: 2, report: 'plus-one/out', text: '2' },
      { step: 3, report: 'counter/count', text: '2' },
      { step: 3, report: 'counter/state', text: '2\na' },
      { step: 3, report: 'plus-one/out', text: '3' },
      { step: 4, report: 'counter/count', text: '3' },
      { step: 4, report: 'counter/state', text: '3\nb' },
      { step: 4, report: 'plus-one/out', text: '4' },
    ]);
  });

  it('a bad scenario or component is one clear line on stderr, exit 2', async () => {
    const missing = await romhost(['run', 'examples/nowhere.yaml', '--once']);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^romhost: scenario examples\/nowhere\.yaml cannot be read: [^\n]+\n$/);
    const badFlag = await romhost(['run', COUNTER, '--input', 'oops', '--once']);
    expect(badFlag.stderr).toBe('romhost: --input oops: expected NAME=TEXT, e.g. --input pointer=10,20\n');
    expect(badFlag.code).toBe(2);
  });
});

describe('romhost run: lifecycle commands', () => {
  it('kill, restart and swap from stdin, printed as lifecycle lines', async () => {
    const stdin = [
      '{"kill": "counter"}',
      '{"rom": "input/input", "text": "b"}',
      '{"restart": "counter"}',
      '{"swap": "counter", "component": "components/counter-hidden-wat/counter-hidden-wat.wasm"}',
      '{"swap": "counter", "component": "test/fixtures/printer/printer.wasm"}',
      '{"kill": "nobody"}',
    ].join('\n');
    const r = await romhost(['run', COUNTER, '--input', 'input=a'], stdin);
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout) as Record<string, unknown>[];
    expect(lines.filter((l) => 'lifecycle' in l && l['step'] !== 1).map((l) => [l['step'], l['child'], l['lifecycle']])).toEqual([
      [3, 'counter', 'stopped'],
      [5, 'counter', 'restarted'],
      [6, 'counter', 'swapped'],
    ]);
    // Killed at step 3, it missed b; restarted at 5, it counted b; the hidden counter started again.
    expect(lines.filter((l) => l['report'] === 'counter/count').map((l) => [l['step'], l['text']])).toEqual([
      [1, '0'],
      [2, '1'],
      [5, '2'],
      [6, '1'],
    ]);
    const errors = r.stderr.trim().split('\n');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^romhost: stdin:5: component test\/fixtures\/printer\/printer\.wasm imports wasi:filesystem/);
    expect(errors[1]).toBe('romhost: stdin:6: no child is called "nobody" (children: counter, plus-one)');
  });

  it('runs lifecycle steps from an --inputs file, component paths relative to it', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/romhost-cli-');
    writeFileSync(
      `${dir}/steps.jsonl`,
      [
        '{"rom": "input/input", "text": "a"}',
        `{"swap": "counter", "component": "${process.cwd()}/components/counter-hidden-wat/counter-hidden-wat.wasm"}`,
        '{"rom": "input/input", "text": "b"}',
        '{"swap": "counter", "component": "nowhere.wasm"}',
      ].join('\n'),
    );
    const r = await romhost(['run', COUNTER, '--inputs', `${dir}/steps.jsonl`, '--once']);
    expect(r.code).toBe(1); // the last swap failed
    expect(r.stderr).toBe(`romhost: ${dir}/steps.jsonl:4: component ${dir}/nowhere.wasm cannot be read: no such file\n`);
    expect((JSON.parse(r.stdout) as { reports: Record<string, string> }).reports['counter/count']).toBe('2');
  });

  it('--watch applies the scenario again when its file changes', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/romhost-watch-');
    const root = process.cwd();
    const v1 = `components: { counter: ${root}/components/counter-wat/counter-wat.wasm }
children:
  counter: { component: counter, roms: { input: input/input, state: counter/state }, reports: [count, state] }
`;
    writeFileSync(`${dir}/s.yaml`, v1);
    const run = romhostLive(['run', `${dir}/s.yaml`, '--watch', '--input', 'input=a']);
    try {
      expect(await run.until(/"report":"counter\/count","text":"1"/)).toBe(true);
      writeFileSync(`${dir}/s.yaml`, `${v1}  twin: { component: counter, roms: { input: input/input, state: twin/state }, reports: [count, state] }\n`);
      expect(await run.until(/"applied"/)).toBe(true);
      expect(await run.until(/"report":"twin\/count","text":"1"/)).toBe(true);
      expect(jsonLines(run.stdout()).find((l) => typeof l === 'object' && l !== null && 'applied' in l)).toEqual({
        step: 3,
        applied: { file: `${dir}/s.yaml`, started: ['twin'], stopped: [], restarted: [], reconfigured: [] },
      });
    } finally {
      run.stop();
    }
  });
});

describe('romhost inspect', () => {
  it('describes a component as JSON', async () => {
    const r = await romhost(['inspect', 'components/counter-wat/counter-wat.wasm']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(info).toMatchObject({
      file: 'components/counter-wat/counter-wat.wasm',
      world: 'romhost:component/state-machine@0.1.0',
      imports: ['romhost:component/report@0.1.0', 'romhost:component/rom@0.1.0'],
      exports: ['update'],
      callPath: 'fast',
    });
    expect(info['hash']).toMatch(/^[0-9a-f]{64}$/);
    expect((info['coreModules'] as unknown[]).length).toBe(3);
  });

  it('names the fault of a component of another world', async () => {
    const r = await romhost(['inspect', 'test/fixtures/printer/printer.wasm']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^romhost: component test\/fixtures\/printer\/printer\.wasm imports wasi:filesystem\/types@0\.2\.0, which romhost does not grant/);
  });
});

describe('romhost --help', () => {
  it.each([[[]], [['run']], [['inspect']], [['build']]])('explains %j with an example', async (command) => {
    const r = await romhost([...command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: romhost/);
    expect(r.stdout).toMatch(/Example/);
  });
});
