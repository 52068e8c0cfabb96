import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRomhostError } from '../errors.js';
import { createHost, parseScenario } from '../index.js';
import { buildComponent } from './index.js';
import { compileRust, rustKitDir, type RustOptions } from './rust.js';
import { DEFAULT_WORLD, romhostWorldWit } from './world-wit.js';
import { wrapAsComponent } from './wrap.js';

const COUNTER = 'components/counter-rust';
const KV = 'components/kv-rust';
/** rustc with LTO takes 1–3 s a build on two cores, longer while other tests compete for them. */
const SLOW = 120_000;

const scratch = mkdtempSync(join(tmpdir(), 'romhost-rust-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A new component folder under the scratch folder: a copy of `from`, or a manifest and `src/lib.rs`. */
function folder(path: string, from: string | { lib: string }): string {
  const dir = join(scratch, path);
  if (typeof from === 'string') {
    cpSync(from, dir, { recursive: true });
  } else {
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'component.json'), JSON.stringify({ language: 'rust', source: 'src/lib.rs', wasm: 'x.wasm' }));
    writeFileSync(join(dir, 'src', 'lib.rs'), from.lib);
  }
  return dir;
}

/** kits/rust/template as `romhost new NAME` writes it: `{{name}}` replaced in names and contents. */
function fromTemplate(name: string): string {
  const dir = join(scratch, name);
  const copy = (from: string, to: string) => {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from)) {
      const source = join(from, entry);
      const target = join(to, entry.replaceAll('{{name}}', name));
      if (statSync(source).isDirectory()) copy(source, target);
      else writeFileSync(target, readFileSync(source, 'utf8').replaceAll('{{name}}', name));
    }
  };
  copy(join(rustKitDir(), '..', 'template'), dir);
  return dir;
}

/** The fault a Rust build raises, as its one-line message. */
async function buildError(dir: string, options: RustOptions = {}): Promise<string> {
  const e: unknown = await compileRust({ dir, source: join(dir, 'src', 'lib.rs'), onProgress: () => {} }, options).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isRomhostError(e)) throw new Error(`expected a RomhostError, got ${String(e)}`);
  expect(e.code).toBe('build-failed');
  expect(e.message).not.toContain('\n');
  return e.message;
}

const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

/**
 * One child running `wasm` in the role's scenario, its ROM `state` routed from `state`; the
 * inputs published one by one, restarting the child before those `restartBefore` picks. Gives
 * the report changes as `CHILD/REPORT=text` and the reports' last values.
 */
async function run(
  wasm: string,
  role: 'counter' | 'kv',
  inputs: readonly string[],
  { restartBefore = () => false, state = 'c/state' }: { restartBefore?: (i: number) => boolean; state?: string } = {},
): Promise<{ changes: string[]; last: Record<string, string | undefined> }> {
  const [input, reports] = role === 'counter' ? ['input', 'count, state'] : ['command', 'state, view, size'];
  const host = createHost();
  const changes: string[] = [];
  host.reports$.subscribe((c) => changes.push(`${c.source}=${text(c.content)}`));
  host.faults$.subscribe((f) => changes.push(`fault ${f.message}`));
  const yaml = `components: { impl: ${wasm} }
children: { c: { component: impl, roms: { ${input}: input/${input}, state: ${state} }, reports: [${reports}] } }
`;
  await host.apply(parseScenario(yaml, join(process.cwd(), 'rust.yaml')));
  for (const [i, value] of inputs.entries()) {
    if (restartBefore(i)) await host.restart('c');
    const [name, content] = value.startsWith('state=') ? ['state', value.slice('state='.length)] : [input, value];
    await host.publish(name, content);
  }
  const last = Object.fromEntries([...host.reports()].map(([source, content]) => [source, text(content)]));
  await host.close();
  return { changes, last };
}

/**
 * A core module of the Rust step instantiated with the host's side of wit/ABI.md written out:
 * report `state` routed back to ROM `state`. `update` gives the memory's size after the call.
 */
function coreChild(module: WebAssembly.Module, roms: Map<string, string | Uint8Array>) {
  const encoder = new TextEncoder();
  let exports: { memory: WebAssembly.Memory; cabi_realloc: (...args: number[]) => number; update: (ptr: number, len: number) => void };
  const bytes = (ptr: number, len: number) => new Uint8Array(exports.memory.buffer).slice(ptr, ptr + len);
  const place = (align: number, value: Uint8Array) => {
    const ptr = exports.cabi_realloc(0, 0, align, value.length);
    new Uint8Array(exports.memory.buffer).set(value, ptr);
    return ptr;
  };
  const imports = {
    'romhost:component/rom@0.1.0': {
      read(namePtr: number, nameLen: number, ret: number) {
        const value = roms.get(text(bytes(namePtr, nameLen))!);
        if (value === undefined) return void new DataView(exports.memory.buffer).setUint8(ret, 0);
        const content = typeof value === 'string' ? encoder.encode(value) : value;
        const ptr = place(1, content);
        const view = new DataView(exports.memory.buffer);
        view.setUint8(ret, 1);
        view.setUint32(ret + 4, ptr, true);
        view.setUint32(ret + 8, content.length, true);
      },
    },
    'romhost:component/report@0.1.0': {
      submit(namePtr: number, nameLen: number, ptr: number, len: number) {
        if (text(bytes(namePtr, nameLen)) === 'state') roms.set('state', bytes(ptr, len));
      },
    },
  };
  exports = new WebAssembly.Instance(module, imports).exports as typeof exports;
  return {
    update(changed: readonly string[]): number {
      const list = exports.cabi_realloc(0, 0, 4, changed.length * 8);
      for (const [i, name] of changed.entries()) {
        const encoded = encoder.encode(name);
        const ptr = place(1, encoded);
        new DataView(exports.memory.buffer).setUint32(list + i * 8, ptr, true);
        new DataView(exports.memory.buffer).setUint32(list + i * 8 + 4, encoded.length, true);
      }
      exports.update(list, changed.length);
      return exports.memory.buffer.byteLength;
    },
  };
}

const COUNTER_INPUTS = ['a', 'b', 'b', '', 'ünïcødé', 'x'.repeat(60_000), 'a', '', '42', '42'];

describe('the Rust step', () => {
  it('is reproducible: from scratch, in two folders of other names and depths, the committed bytes', async () => {
    const committed = readFileSync(join(COUNTER, 'counter-rust.wasm'));
    for (const path of ['one', 'two/deeper/other-name']) {
      const dir = folder(path, COUNTER);
      rmSync(join(dir, 'counter-rust.wasm'));
      const lines: string[] = [];
      const built = await buildComponent(dir, { onProgress: (line) => lines.push(line) });
      expect(built.status).toBe('written');
      expect(Buffer.from(built.bytes)).toEqual(committed);
      expect(lines).toEqual([
        'compiling the romhost kit (rustc 1.63.0, /usr/bin/rustc)',
        `compiling ${join(dir, 'src', 'lib.rs')} (opt-level z, lto)`,
        `written ${join(dir, 'counter-rust.wasm')} (component, ${committed.length} bytes)`,
      ]);
    }
  }, SLOW);

  it('builds kv-rust to a core module that imports only read and submit, and wraps to the committed bytes', async () => {
    const source = join(KV, 'src', 'lib.rs');
    const { kind, bytes } = await compileRust({ dir: KV, source, onProgress: () => {} });
    expect(kind).toBe('core');
    const module = new WebAssembly.Module(new Uint8Array(bytes));
    expect(WebAssembly.Module.imports(module).map((i) => `${i.kind} ${i.module} ${i.name}`).sort()).toEqual([
      'function romhost:component/report@0.1.0 submit',
      'function romhost:component/rom@0.1.0 read',
    ]);
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toEqual(expect.arrayContaining(['memory', 'update', 'cabi_realloc']));

    // The kit frees what the host hands over (changed, ROM values): memory stops growing.
    const kv = coreChild(module, new Map([['command', `set k ${'v'.repeat(20_000)}`]]));
    const sizes = Array.from({ length: 2_000 }, () => kv.update(['command', 'state']));
    expect(sizes[1_999]).toBe(sizes[9]);

    const component = await wrapAsComponent(bytes, { wit: romhostWorldWit(), world: DEFAULT_WORLD }, source);
    expect(Buffer.from(component)).toEqual(readFileSync(join(KV, 'kv-rust.wasm')));
  }, SLOW);

  it('builds the template into a counter', async () => {
    const dir = fromTemplate('hello-world');
    const built = await buildComponent(dir);
    expect(built.wasm).toBe(join(dir, 'hello-world.wasm'));
    const { changes } = await run(built.wasm, 'counter', ['a', 'b', 'a']);
    expect(changes.slice(-2)).toEqual(['c/count=3', 'c/state=3\na']);
  }, SLOW);
});

describe('the Rust step\'s faults', () => {
  it('names the file, line and column of a compile error', async () => {
    const dir = folder('broken', { lib: 'use romhost::submit;\nromhost::export!(update);\n\nfn update(_changed: &[&str]) {\n    submit("a", zzz);\n}\n' });
    expect(await buildError(dir)).toBe(`${join(dir, 'src', 'lib.rs')}:5:17: cannot find value \`zzz\` in this scope (E0425)`);
  }, SLOW);

  it('places an update of the wrong type at the component\'s export!, not inside the kit', async () => {
    const dir = folder('wrong-type', { lib: 'romhost::export!(update);\n\nfn update(_changed: &[&str], _more: u8) {}\n' });
    expect(await buildError(dir)).toMatch(new RegExp(`^${join(dir, 'src', 'lib.rs')}:1:1: function is expected to take 1 argument, but it takes 2 arguments`));
  }, SLOW);

  it('says how to export update when a crate has none, and refuses imports of its own', async () => {
    const none = folder('no-export', { lib: 'pub fn update(_changed: &[&str]) {}\n' });
    expect(await buildError(none)).toBe(`${join(none, 'src', 'lib.rs')}: exports no update: add romhost::export!(update); with fn update(changed: &[&str]) (kits/rust/README.md)`);
    const foreign = folder('foreign', {
      lib: 'romhost::export!(update);\nextern "C" { fn now() -> u64; }\nfn update(_: &[&str]) { romhost::submit("t", unsafe { now() }.to_le_bytes()); }\n',
    });
    expect(await buildError(foreign)).toMatch(new RegExp(`^${join(foreign, 'src', 'lib.rs')}: imports env\\.now, which a component cannot have`));
  }, SLOW);

  it('says which tool is missing and how to install it', async () => {
    const dir = folder('no-rustc', COUNTER);
    expect(await buildError(dir, { rustc: [join(scratch, 'nowhere', 'rustc')] })).toBe(
      `${join(dir, 'src', 'lib.rs')}: rustc not found: install it with apt-get install rustc libstd-rust-dev-wasm32`,
    );
    // A rustc whose sysroot has no wasm32 standard library, like rustup's without the target.
    const fake = join(scratch, 'fake-rustc');
    writeFileSync(fake, `#!/bin/sh\necho ${join(scratch, 'no-such-libdir')}\n`);
    chmodSync(fake, 0o755);
    expect(await buildError(dir, { rustc: [fake] })).toBe(
      `${join(dir, 'src', 'lib.rs')}: no rustc with the wasm32-unknown-unknown target (tried ${fake}): install Debian's with apt-get install rustc libstd-rust-dev-wasm32, or run rustup target add wasm32-unknown-unknown`,
    );
  });

  it('names a missing source', async () => {
    const dir = folder('no-source', { lib: '' });
    rmSync(join(dir, 'src', 'lib.rs'));
    expect(await buildError(dir)).toBe(`${join(dir, 'src', 'lib.rs')}: no such file`);
  });
});

describe('counter-rust in the host', () => {
  it('reports what counter-wat reports, restarted or not', async () => {
    const reference = (await run('components/counter-wat/counter-wat.wasm', 'counter', COUNTER_INPUTS)).changes;
    expect(reference).not.toContainEqual(expect.stringMatching(/^fault/));
    expect((await run(join(COUNTER, 'counter-rust.wasm'), 'counter', COUNTER_INPUTS)).changes).toEqual(reference);
    const restarted = await run(join(COUNTER, 'counter-rust.wasm'), 'counter', COUNTER_INPUTS, { restartBefore: (i) => i % 3 === 1 });
    expect(restarted.changes).toEqual(reference);
  });

  it('counts on from a state of more than 32 bits, as counter-wat does', async () => {
    for (const wasm of ['components/counter-wat/counter-wat.wasm', join(COUNTER, 'counter-rust.wasm')]) {
      // Its ROM state from an input instead of its own report: a state it never wrote itself.
      const { last } = await run(wasm, 'counter', ['state=4294967299\nq', 'r'], { state: 'input/state' });
      expect([wasm, last['c/count'], last['c/state']]).toEqual([wasm, '4294967300', '4294967300\nr']);
    }
  });
});

describe('kv-rust in the host', () => {
  it('follows the examples of components/ROLES.md, and a restart changes nothing', async () => {
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
    const wasm = join(KV, 'kv-rust.wasm');
    const { changes } = await run(wasm, 'kv', examples.map(([command]) => command));
    const views = changes.filter((c) => c.startsWith('c/view=')).map((c) => c.slice('c/view='.length));
    const sizes = changes.filter((c) => c.startsWith('c/size=')).map((c) => c.slice('c/size='.length));
    // Reports equal to their previous value are no change: compare the distinct values, in order.
    const distinct = (values: string[]) => values.filter((v, i) => v !== values[i - 1]);
    expect(views).toEqual(distinct(['{}', ...examples.map(([, view]) => view)]));
    expect(sizes).toEqual(distinct(['0', ...examples.map(([, , size]) => size)]));
    expect((await run(wasm, 'kv', examples.map(([command]) => command), { restartBefore: () => true })).changes).toEqual(changes);
  });

  it('keeps its store in report state as KEY NUL VALUE NUL, sorted bytewise, and ignores commands with a NUL', async () => {
    const { last } = await run(join(KV, 'kv-rust.wasm'), 'kv', ['set b 2', 'set ü ☃', 'set a 1', 'set k\u0000 v', 'set z \u0001']);
    expect(last['c/state']).toBe('a\u00001\u0000b\u00002\u0000z\u0000\u0001\u0000ü\u0000☃\u0000');
    expect(last['c/view']).toBe('{"a":"1","b":"2","z":"\\u0001","ü":"☃"}');
  });
});
