/**
 * The C step and kit (kits/c/): the committed C components rebuild to their bytes from any
 * folder, the template builds into a counter, faults name the file (and line), a missing
 * toolchain says how to install it, and the components behave as their roles say through the host.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRomhostError } from '../errors.js';
import { findClang } from './c-toolchain.js';
import { createHost, parseScenario, type Host } from '../index.js';
import { buildComponent, buildComponents, scaffoldComponent } from './index.js';

const scratch = mkdtempSync(join(tmpdir(), 'romhost-c-test-'));
const hosts: Host[] = [];
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  for (const host of hosts) await host.close();
});

const COMPONENTS = ['components/counter-c', 'components/kv-c'];

/** A copy of `from` at `scratch/name`, without its built .wasm. */
function copy(from: string, name: string): string {
  const dir = join(scratch, name);
  cpSync(from, dir, { recursive: true, filter: (file) => !file.endsWith('.wasm') });
  return dir;
}

/** A folder with a C component of one source file, x.c. */
function cFolder(name: string, source: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'component.json'), JSON.stringify({ language: 'c', source: 'x.c', wasm: 'x.wasm' }));
  writeFileSync(join(dir, 'x.c'), source);
  return dir;
}

async function buildError(dir: string): Promise<{ code: string; message: string }> {
  const e: unknown = await buildComponent(dir).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isRomhostError(e)) throw new Error(`expected a RomhostError, got ${String(e)}`);
  return { code: e.code, message: e.message };
}

async function withPath<T>(path: string, run: () => Promise<T>): Promise<T> {
  const saved = process.env['PATH'];
  process.env['PATH'] = path;
  try {
    return await run();
  } finally {
    process.env['PATH'] = saved;
  }
}

describe('the C step', () => {
  it('builds the committed C components to exactly their committed bytes', async () => {
    const results = await buildComponents(COMPONENTS, { check: true });
    expect(results.map((r) => [r.dir, r.status, r.kind])).toEqual(COMPONENTS.map((dir) => [dir, 'unchanged', 'component']));
  }, 60_000);

  it('is reproducible: from scratch, twice, in folders of other paths, the same bytes', async () => {
    for (const dir of COMPONENTS) {
      const name = dir.split('/')[1]!;
      const built = [copy(dir, `a/${name}`), copy(dir, `bb/deeper/${name}`)];
      const lines: string[] = [];
      const first = await buildComponent(built[0]!, { onProgress: (line) => lines.push(line) });
      // With a wasm-opt on PATH too (binaryen's, from node_modules/.bin): clang must not run it.
      const second = await withPath(`${resolve('node_modules/.bin')}${delimiter}${process.env['PATH']}`, () => buildComponent(built[1]!));
      const committed = readFileSync(join(dir, `${name}.wasm`));
      expect(first.status).toBe('written');
      expect(Buffer.from(first.bytes)).toEqual(committed);
      expect(Buffer.from(second.bytes)).toEqual(committed);
      expect((await buildComponent(built[0]!)).status).toBe('unchanged');
      expect(lines).toEqual([
        expect.stringMatching(new RegExp(`^compiling ${join(built[0]!, `${name}.c`)} \\(.*clang[-\\d]*\\)$`)),
        `linking ${join(built[0]!, `${name}.c`)} (wasm-ld)`,
        `written ${join(built[0]!, `${name}.wasm`)} (component, ${committed.length} bytes)`,
      ]);
    }
  }, 120_000);

  it('builds the template into a counter; counter-c is the template named counter-c', async () => {
    expect(readFileSync('kits/c/template/{{name}}.c', 'utf8').replaceAll('{{name}}', 'counter-c')).toBe(
      readFileSync('components/counter-c/counter-c.c', 'utf8'),
    );
    const dir = join(scratch, 'my-counter');
    scaffoldComponent('my-counter', 'c', dir);
    const built = await buildComponent(dir);
    expect(built.wasm).toBe(join(dir, 'my-counter.wasm'));
    expect(Buffer.from(built.bytes)).toEqual(readFileSync('components/counter-c/counter-c.wasm'));
    expect(await counterRun(built.wasm, ['a', 'b', 'a'])).toEqual(await counterRun(COUNTER_WAT, ['a', 'b', 'a']));
  }, 60_000);

  it('names the file, line and column of a compile error', async () => {
    const dir = cFolder('syntax', '#include "romhost.h"\n\nvoid romhost_update(romhost_changed changed) {\n  int x = ;\n}\n');
    expect(await buildError(dir)).toEqual({ code: 'build-failed', message: `${join(dir, 'x.c')}:4:11: expected expression` });
    const stdio = cFolder('stdio', '#include <stdio.h>\n');
    expect((await buildError(stdio)).message).toBe(`${join(stdio, 'x.c')}:1:10: 'stdio.h' file not found`);
    const printf = cFolder('printf', '#include "romhost.h"\nvoid romhost_update(romhost_changed c) { (void)c; printf("hi"); }\n');
    expect((await buildError(printf)).message).toBe(
      `${join(printf, 'x.c')}:2:51: implicit declaration of function 'printf' is invalid in C99 [-Werror,-Wimplicit-function-declaration]`,
    );
  });

  it('says what is missing at link time: romhost_update, or a function with no definition', async () => {
    const none = cFolder('no-update', '#include "romhost.h"\nvoid romhost_updat(romhost_changed c) { (void)c; }\n');
    expect(await buildError(none)).toEqual({
      code: 'build-failed',
      message: `${join(none, 'x.c')}: defines no romhost_update: write void romhost_update(romhost_changed changed), see romhost.h`,
    });
    const malloc = cFolder(
      'malloc',
      '#include "romhost.h"\nvoid *malloc(size_t);\nvoid romhost_update(romhost_changed c) { (void)c; romhost_submit("x", malloc(1), 1); }\n',
    );
    expect((await buildError(malloc)).message).toBe(
      `${join(malloc, 'x.c')}: undefined symbol malloc: a component has no C library (no stdio, no malloc): use what romhost.h provides, or define it`,
    );
  });

  it('passes warnings on as progress lines', async () => {
    const dir = cFolder('warning', '#include "romhost.h"\nvoid romhost_update(romhost_changed c) { int unused; (void)c; }\n');
    const lines: string[] = [];
    await buildComponent(dir, { onProgress: (line) => lines.push(line) });
    expect(lines).toContain(`${join(dir, 'x.c')}:2:46: warning: unused variable 'unused' [-Wunused-variable]`);
  });

  it('says how to install a missing clang or wasm-ld, in one line', async () => {
    const dir = copy('components/counter-c', 'no-tools');
    const source = join(dir, 'counter-c.c');
    const noClang = await withPath(join(scratch, 'nowhere'), () => buildError(dir));
    expect(noClang).toEqual({ code: 'build-failed', message: `${source}: clang not found: install it with apt-get install clang lld` });
    // clang alone in a folder: it looks for its wasm-ld beside itself and on PATH, and finds none.
    const clangOnly = join(scratch, 'clang-only');
    mkdirSync(clangOnly);
    symlinkSync(findClang(process.env['PATH'] ?? '')!, join(clangOnly, 'clang'));
    const noLinker = await withPath(clangOnly, () => buildError(dir));
    expect(noLinker.message).toMatch(new RegExp(`^${source}: wasm-ld[-\\d]* not found: install it with apt-get install clang lld$`));
  });

  it('names the source when there is none', async () => {
    const dir = join(scratch, 'no-source');
    mkdirSync(dir);
    writeFileSync(join(dir, 'component.json'), JSON.stringify({ language: 'c', source: 'x.c', wasm: 'x.wasm' }));
    expect(await buildError(dir)).toEqual({ code: 'build-failed', message: `${join(dir, 'x.c')}: no such file` });
  });
});

// Through the host: the roles of components/ROLES.md.

const COUNTER_WAT = 'components/counter-wat/counter-wat.wasm';
const COUNTER_C = 'components/counter-c/counter-c.wasm';
const KV_C = 'components/kv-c/kv-c.wasm';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** A host running one child `c` of `wasm` with its report `state` routed back; its report changes as `REPORT=text`. */
async function started(wasm: string, roms: string, reports: string): Promise<{ host: Host; changes: string[] }> {
  const host = createHost();
  hosts.push(host);
  const changes: string[] = [];
  host.reports$.subscribe((c) => changes.push(`${c.report}=${text(c.content)}`));
  const yaml = `components: { x: ${wasm} }\nchildren:\n  c: { component: x, roms: { ${roms}, state: c/state }, reports: [${reports}] }\n`;
  const applied = await host.apply(parseScenario(yaml, resolve('inline.yaml')));
  expect(applied.faults).toEqual([]);
  return { host, changes };
}

/** Undefined in `inputs`: restart the child instead of publishing. */
async function counterRun(wasm: string, inputs: readonly (string | Uint8Array | undefined)[]): Promise<string[]> {
  const { host, changes } = await started(wasm, 'input: input/input', 'count, state');
  for (const input of inputs) {
    const result = input === undefined ? await host.restart('c') : await host.publish('input', input);
    expect(result.faults).toEqual([]);
  }
  return changes;
}

describe('counter-c', () => {
  const inputs = ['a', 'a', 'b\nc', '', '', '7\n', 'a', new Uint8Array([0, 255, 10, 13]), 'x'.repeat(100_000), 'a'];

  it('gives the report changes of counter-wat for the same inputs', async () => {
    const wat = await counterRun(COUNTER_WAT, inputs);
    expect(await counterRun(COUNTER_C, inputs)).toEqual(wat);
    expect(wat.slice(0, 4)).toEqual(['count=0', 'state=0', 'count=1', 'state=1\na']);
    expect(wat.at(-2)).toBe('count=8');
  });

  it('changes nothing when restarted before inputs', async () => {
    const restarted = inputs.flatMap((input, i) => (i % 3 === 0 ? [undefined, input] : [input]));
    expect(await counterRun(COUNTER_C, [...restarted, undefined])).toEqual(await counterRun(COUNTER_WAT, inputs));
  });
});

// ROLES.md's kv examples, restarts and swaps across languages: test/conformance.test.ts, for every kv.
describe('kv-c', () => {
  async function kv() {
    const { host, changes } = await started(KV_C, 'command: input/command', 'state, view, size');
    const report = (name: string) => text(host.read(`c/${name}`)!);
    return { host, changes, report };
  }

  it('starts empty: state empty, view {}, size 0', async () => {
    const { changes } = await kv();
    expect(changes).toEqual(['state=', 'view={}', 'size=0']);
  });

  it('keeps its entries sorted as KEY NUL VALUE NUL in its state', async () => {
    const { host, report } = await kv();
    for (const command of ['set b 2', 'set a x y', 'set ab ', 'set q "hi"\\\nok', 'del b']) await host.publish('command', command);
    expect(report('state')).toBe('a\0x y\0ab\0\0q\0"hi"\\\nok\0');
    expect(report('size')).toBe('3');
  });

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
  });
});
