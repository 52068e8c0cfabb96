/**
 * The JavaScript step and kit (kits/js/): the committed JavaScript components rebuild to their
 * bytes from any folder, the template builds into a counter, faults name the file (and line), a
 * missing componentize-js says how to install it, and the components behave as their roles say
 * through the host. Builds take 10–40 s each (the first splice of a process the longest).
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRomhostError } from '../errors.js';
import { createHost, parseScenario, type Host } from '../index.js';
import { buildComponent, buildComponents, scaffoldComponent } from './index.js';
import { JS_TOOLCHAIN_MISSING, loadJsToolchain } from './js-toolchain.js';

const scratch = mkdtempSync(join(tmpdir(), 'romhost-js-test-'));
const hosts: Host[] = [];
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  for (const host of hosts) await host.close();
});

const COMPONENTS = ['components/counter-js', 'components/kv-js'];

/** A copy of `from` at `scratch/name`, without its built .wasm. */
function copy(from: string, name: string): string {
  const dir = join(scratch, name);
  cpSync(from, dir, { recursive: true, filter: (file) => !file.endsWith('.wasm') });
  return dir;
}

/** A folder with a JavaScript component of the given files, x.js its source. */
function jsFolder(name: string, files: Record<string, string>): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'component.json'), JSON.stringify({ language: 'js', source: 'x.js', wasm: 'x.wasm' }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

/** 12 MB compared by vitest's deep equality takes minutes; their hashes, no time. */
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function buildError(dir: string): Promise<{ code: string; message: string }> {
  const e: unknown = await buildComponent(dir).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isRomhostError(e)) throw new Error(`expected a RomhostError, got ${String(e)}`);
  return { code: e.code, message: e.message };
}

describe('the JavaScript step', () => {
  it('builds the committed JavaScript components to exactly their committed bytes', async () => {
    const results = await buildComponents(COMPONENTS, { check: true });
    expect(results.map((r) => [r.dir, r.status, r.kind])).toEqual(COMPONENTS.map((dir) => [dir, 'unchanged', 'component']));
  }, 240_000);

  it('is reproducible: from scratch, in folders of other paths, the same bytes', async () => {
    for (const [i, dir] of COMPONENTS.entries()) {
      const name = dir.split('/')[1]!;
      const built = copy(dir, `${'a'.repeat(i + 1)}/deeper/${name}`);
      const lines: string[] = [];
      const first = await buildComponent(built, { onProgress: (line) => lines.push(line) });
      const committed = readFileSync(join(dir, `${name}.wasm`));
      expect(first.status).toBe('written');
      expect(sha256(first.bytes)).toBe(sha256(committed));
      const source = join(built, `${name}.js`);
      expect(lines).toEqual([
        expect.stringMatching(new RegExp(`^splicing world state-machine into StarlingMonkey \\(componentize-js 0\\.22\\.0\\) for ${source}$`)),
        `running the top level of ${source} for the snapshot`,
        `stubbing WASI and wrapping ${source} as a component`,
        `written ${join(built, `${name}.wasm`)} (component, ${committed.length} bytes)`,
      ]);
    }
  }, 240_000);

  it('builds the template into a counter; counter-js is the template named counter-js', async () => {
    expect(readFileSync('kits/js/template/{{name}}.js', 'utf8').replaceAll('{{name}}', 'counter-js')).toBe(
      readFileSync('components/counter-js/counter-js.js', 'utf8'),
    );
    const dir = join(scratch, 'my-counter');
    scaffoldComponent('my-counter', 'js', dir);
    const built = await buildComponent(dir);
    expect(built.wasm).toBe(join(dir, 'my-counter.wasm'));
    expect(await counterRun(built.wasm, ['a', 'b', 'a', undefined, 'a'])).toEqual(await counterRun(COUNTER_WAT, ['a', 'b', 'a', undefined, 'a']));
  }, 120_000);

  it('names the file, line and column of a syntax error, in the source or a module it imports', async () => {
    const syntax = jsFolder('syntax', { 'x.js': 'import { submit } from "romhost";\nexport function update() {\n  submit("x", "y" +);\n}\n' });
    expect(await buildError(syntax)).toEqual({ code: 'build-failed', message: `${join(syntax, 'x.js')}:3:20: SyntaxError: expected expression, got ')'` });
    const imported = jsFolder('imported', {
      'x.js': 'import { f } from "./lib/f.js";\nexport function update() { f(); }\n',
      'lib/f.js': 'export function f() {\n  return 1 +* 2;\n}\n',
    });
    expect((await buildError(imported)).message).toBe(`${join(imported, 'lib/f.js')}:2:13: SyntaxError: expected expression, got '*'`);
  }, 120_000);

  it('says what is wrong with the top level: a throw, a missing update, a read at build time', async () => {
    const thrown = jsFolder('throws', { 'x.js': 'export function update() {}\nthrow new Error("not today");\n' });
    expect((await buildError(thrown)).message).toBe(`${join(thrown, 'x.js')}:2:7: Error: not today`);
    const none = jsFolder('no-update', { 'x.js': 'export function updat() {}\n' });
    expect((await buildError(none)).message).toBe(
      `${join(none, 'x.js')}: Error: "x.js" does not export a "update" function as expected by the world. Try defining it: export function update() {};`,
    );
    const early = jsFolder('early', { 'x.js': 'import { read } from "romhost";\nconst config = read("config");\nexport function update() {}\n' });
    expect((await buildError(early)).message).toBe(
      `${join(early, 'x.js')}: calls read at the top level of a module, which runs once, at build time: call read and submit inside update only`,
    );
    const missing = jsFolder('missing-import', { 'x.js': 'import { nothere } from "romhost";\nexport function update() {}\n' });
    expect((await buildError(missing)).message).toBe(
      `${join(missing, 'x.js')}:1:10: SyntaxError: The requested module 'romhost' doesn't provide an export named: 'nothere'`,
    );
  }, 120_000);

  it('names the source when there is none', async () => {
    const dir = jsFolder('no-source', {});
    expect(await buildError(dir)).toEqual({ code: 'build-failed', message: `${join(dir, 'x.js')}: no such file` });
  });

  it('says how to install componentize-js when it is not found, in one line', async () => {
    // Searched for from a folder with no node_modules above it.
    expect(await loadJsToolchain(join(scratch, 'x.js'))).toBeUndefined();
    expect(JS_TOOLCHAIN_MISSING).toBe(
      'componentize-js not found: install it with npm install @bytecodealliance/componentize-js@0.22.0 @bytecodealliance/preview2-shim@0.26.1',
    );
    expect((await loadJsToolchain())?.version).toBe('0.22.0');
  });
});

// Through the host: the roles of components/ROLES.md.

const COUNTER_WAT = 'components/counter-wat/counter-wat.wasm';
const COUNTER_JS = 'components/counter-js/counter-js.wasm';
const KV_JS = 'components/kv-js/kv-js.wasm';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** A host running one child `c` of `wasm` with the given routes; its report changes as `REPORT=text`. */
async function started(wasm: string, roms: string, reports: string): Promise<{ host: Host; changes: string[] }> {
  const host = createHost();
  hosts.push(host);
  const changes: string[] = [];
  host.reports$.subscribe((c) => changes.push(`${c.report}=${text(c.content)}`));
  const yaml = `components: { x: ${wasm} }\nchildren:\n  c: { component: x, roms: { ${roms} }, reports: [${reports}] }\n`;
  const applied = await host.apply(parseScenario(yaml, resolve('inline.yaml')));
  expect(applied.faults).toEqual([]);
  return { host, changes };
}

/** Undefined in `inputs`: restart the child instead of publishing. */
async function counterRun(wasm: string, inputs: readonly (string | Uint8Array | undefined)[]): Promise<string[]> {
  const { host, changes } = await started(wasm, 'input: input/input, state: c/state', 'count, state');
  for (const input of inputs) {
    const result = input === undefined ? await host.restart('c') : await host.publish('input', input);
    expect(result.faults).toEqual([]);
  }
  return changes;
}

describe('counter-js', () => {
  const inputs = ['a', 'a', 'b\nc', '', '', '7\n', 'a', new Uint8Array([0, 255, 10, 13]), 'x'.repeat(100_000), 'ünïcødé', 'a'];

  it('gives the report changes of counter-wat for the same inputs', async () => {
    const wat = await counterRun(COUNTER_WAT, inputs);
    expect(await counterRun(COUNTER_JS, inputs)).toEqual(wat);
    expect(wat.at(-2)).toBe('count=9');
  }, 60_000);

  it('changes nothing when restarted before inputs', async () => {
    const restarted = inputs.flatMap((input, i) => (i % 3 === 0 ? [undefined, input] : [input]));
    expect(await counterRun(COUNTER_JS, [...restarted, undefined])).toEqual(await counterRun(COUNTER_WAT, inputs));
  }, 60_000);

  it('reads any state another counter wrote, up to 19 digits, as counter-wat does', async () => {
    for (const state of ['18446744073709551615\nz', '12345678901234567890', '007\nq', 'x\n1', '1'.repeat(20)]) {
      const run = async (wasm: string) => {
        const { host, changes } = await started(wasm, 'input: input/input, state: input/state', 'count, state');
        await host.publish('state', state);
        return changes;
      };
      expect([state, await run(COUNTER_JS)]).toEqual([state, await run(COUNTER_WAT)]);
    }
  }, 60_000);
});

// ROLES.md's kv examples, restarts and swaps across languages: test/conformance.test.ts, for every kv.
describe('kv-js', () => {
  async function kv() {
    const { host, changes } = await started(KV_JS, 'command: input/command, state: c/state', 'state, view, size');
    const report = (name: string) => text(host.read(`c/${name}`)!);
    return { host, changes, report };
  }

  it('starts empty, then follows the examples of ROLES.md', async () => {
    const { host, changes, report } = await kv();
    expect(changes).toEqual(['state=', 'view={}', 'size=0']);
    const examples: [command: string, view: string, size: string][] = [
      ['set b 2', '{"b":"2"}', '1'],
      ['set a x y', '{"a":"x y","b":"2"}', '2'],
      ['set a ', '{"a":"","b":"2"}', '2'],
      ['set q "hi"\\\nok', '{"a":"","b":"2","q":"\\"hi\\"\\\\\\u000aok"}', '3'],
      ['del b', '{"a":"","q":"\\"hi\\"\\\\\\u000aok"}', '2'],
      ['del zz', '{"a":"","q":"\\"hi\\"\\\\\\u000aok"}', '2'],
      ['SET a 1', '{"a":"","q":"\\"hi\\"\\\\\\u000aok"}', '2'],
      ['clear', '{}', '0'],
    ];
    for (const [command, view, size] of examples) {
      await host.publish('command', command);
      expect([command, report('view'), report('size')]).toEqual([command, view, size]);
    }
  }, 60_000);

  it('keeps its entries sorted as KEY NUL VALUE NUL in its state, and a restart changes nothing', async () => {
    const { host, changes, report } = await kv();
    for (const command of ['set b 2', 'set a x y', 'set ab ', 'set q "hi"\\\nok', 'del b']) await host.publish('command', command);
    expect(report('state')).toBe('a\0x y\0ab\0\0q\0"hi"\\\nok\0');
    expect(report('size')).toBe('3');
    const before = changes.length;
    await host.restart('c');
    expect(changes.length).toBe(before);
  }, 60_000);

  it('ignores invalid commands and escapes control bytes in keys and values', async () => {
    const { host, report } = await kv();
    await host.publish('command', 'set k v');
    for (const invalid of ['set a', 'set  x', 'del ', '', 'clear ', 'set a\0 1', 'del k\0', 'get k']) {
      await host.publish('command', invalid);
      expect([invalid, report('state')]).toEqual([invalid, 'k\0v\0']);
    }
    await host.publish('command', 'set \t\x1f\x7f é\r');
    expect(report('view')).toBe('{"\\u0009\\u001f\x7f":"é\\u000d","k":"v"}');
    await host.publish('command', 'del \t\x1f\x7f');
    await host.publish('command', 'set k v w');
    expect([report('view'), report('size')]).toEqual(['{"k":"v w"}', '1']);
  }, 60_000);
});
