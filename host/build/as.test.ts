/**
 * The AssemblyScript step and kit (kits/as/): the committed components rebuild to their bytes in
 * any folder, the template builds into a counter, faults name the file (and line), a missing or
 * wrong compiler says how to install the right one, and the components behave as their roles say
 * (components/ROLES.md) when the host runs them.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createHost, parseScenario, scaffoldComponent } from '../index.js';
import { assemblyScriptStep } from './as.js';
import { buildComponent, buildComponents } from './index.js';

const scratch = mkdtempSync(join(tmpdir(), 'romhost-as-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const COUNTER = 'components/counter-as';
const KV = 'components/kv-as';
const INSTALL = 'npm install --save-dev --save-exact assemblyscript@0.28.20';
const BUILD_TIMEOUT = 120_000;

/** A copy of a component folder at `scratch/path`, without its .wasm. */
function copyOf(from: string, path: string): string {
  const dir = join(scratch, path);
  cpSync(from, dir, { recursive: true, filter: (file) => !file.endsWith('.wasm') });
  return dir;
}

/** A component folder whose source, assembly/index.ts, is `source`. */
function withSource(name: string, source: string): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, 'assembly'), { recursive: true });
  writeFileSync(join(dir, 'component.json'), JSON.stringify({ language: 'as', source: 'assembly/index.ts', wasm: 'x.wasm' }));
  writeFileSync(join(dir, 'assembly', 'index.ts'), source);
  return dir;
}

/** What building `dir` throws. */
function buildFault(dir: string): Promise<unknown> {
  return buildComponent(dir).then(
    () => new Error(`${dir} built`),
    (e: unknown) => e,
  );
}

const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

interface Run {
  /** The child's ROMs and reports, in scenario syntax. */
  readonly roms: string;
  readonly reports: string;
  /** The input ROM the values are published to. */
  readonly input: string;
  readonly values: readonly string[];
  /** Restart the child before these values. */
  readonly restartBefore?: readonly number[];
  readonly limits?: string;
}

/** Every report change (and fault) of one child running `wasm` over the run's inputs, in order. */
async function changesOf(wasm: string, run: Run): Promise<string[]> {
  const host = createHost();
  const seen: string[] = [];
  host.reports$.subscribe((c) => seen.push(`${c.source}=${JSON.stringify(text(c.content))}`));
  host.faults$.subscribe((f) => seen.push(`fault ${f.message}`));
  const limits = run.limits === undefined ? '' : `, limits: ${run.limits}`;
  const yaml = `components: { impl: ${wasm} }\nchildren: { c: { component: impl, roms: ${run.roms}, reports: ${run.reports}${limits} } }\n`;
  try {
    await host.apply(parseScenario(yaml, join(process.cwd(), 'as-test.yaml')));
    for (const [i, value] of run.values.entries()) {
      if (run.restartBefore?.includes(i) === true) await host.restart('c');
      await host.publish(run.input, value);
    }
  } finally {
    await host.close();
  }
  return seen;
}

const COUNTING: Run = {
  roms: '{ input: input/input, state: c/state }',
  reports: '[count, state]',
  input: 'input',
  values: ['a', 'b', 'b', '', 'ünïcødé', 'x'.repeat(5000), 'a', '', '42', '\n', '7\n', 'a'],
};

/**
 * The kv examples, read from the table in components/ROLES.md: `code` cells joined by ` + `,
 * `newline` for a newline byte, and "unchanged" for the view before.
 */
function roleExamples(): { command: string; view: string; size: string }[] {
  const cell = (text: string) => text.split(' + ').map((part) => (part === 'newline' ? '\n' : /^`(.*)`$/.exec(part)![1]!)).join('');
  const table = readFileSync('components/ROLES.md', 'utf8').split('| command | view | size |')[1]!;
  const rows = [...table.matchAll(/^\| (.+) \| (.+) \| (\d+) \|$/gm)];
  let view = '{}';
  return rows.map(([, command, shown, size]) => {
    if (!shown!.startsWith('unchanged')) view = cell(shown!);
    return { command: cell(command!), view, size: size! };
  });
}

describe('the as step', () => {
  it('builds counter-as and kv-as to exactly their committed bytes', async () => {
    const results = await buildComponents([COUNTER, KV], { check: true });
    expect(results.map((r) => [r.dir, r.status])).toEqual([[COUNTER, 'unchanged'], [KV, 'unchanged']]);
  }, BUILD_TIMEOUT);

  it('is reproducible: from scratch in two other folders, the same bytes, and a rebuild writes nothing', async () => {
    const first = copyOf(COUNTER, 'one/counter-as');
    const second = copyOf(COUNTER, 'two/deeper/renamed');
    const lines: string[] = [];
    const built = await buildComponent(first, { onProgress: (line) => lines.push(line) });
    const again = await buildComponent(second);
    const committed = readFileSync(join(COUNTER, 'counter-as.wasm'));
    expect([built.status, again.status]).toEqual(['written', 'written']);
    expect(Buffer.from(built.bytes)).toEqual(committed);
    expect(Buffer.from(again.bytes)).toEqual(committed);
    expect((await buildComponent(first)).status).toBe('unchanged');
    const source = join(first, 'assembly', 'index.ts');
    expect(lines).toEqual([
      `compiling ${source} (AssemblyScript 0.28.20)`,
      `optimizing ${source}`,
      `written ${join(first, 'counter-as.wasm')} (component, ${committed.length} bytes)`,
    ]);
  }, BUILD_TIMEOUT);

  it('builds the template of romhost new into a counter that matches counter-wat', async () => {
    const dir = join(scratch, 'new', 'my-counter');
    const made = scaffoldComponent('my-counter', 'as', dir);
    expect(made.files).toEqual(['README.md', 'assembly/index.ts', 'component.json', 'smoke.yaml']);
    const built = await buildComponent(dir);
    expect(built.wasm).toBe(join(dir, 'my-counter.wasm'));
    const run = { ...COUNTING, restartBefore: [2, 5] };
    expect(await changesOf(built.wasm, run)).toEqual(await changesOf('components/counter-wat/counter-wat.wasm', run));
  }, BUILD_TIMEOUT);

  it('compiles the files the source imports from its folder, and names them in faults', async () => {
    const dir = withSource('two-files', 'import { submitText } from "romhost";\nimport { twice } from "./twice";\nexport function update(changed: string[]): void {\n  submitText("n", twice(changed.length).toString());\n}\n');
    writeFileSync(join(dir, 'assembly', 'twice.ts'), 'export function twice(n: i32): i32 {\n  return n * 2;\n}\n');
    const built = await buildComponent(dir);
    const seen = await changesOf(built.wasm, { roms: '{ a: input/a, b: input/b }', reports: '[n]', input: 'a', values: ['x'] });
    expect(seen).toEqual(['c/n="0"', 'c/n="2"']);
    writeFileSync(join(dir, 'assembly', 'twice.ts'), 'export function twice(n: i32): i32 {\n  return n * "2";\n}\n');
    expect(await buildFault(dir)).toMatchObject({ message: expect.stringMatching(new RegExp(`^${join(dir, 'assembly', 'twice.ts')}:2:\\d+: `)) });
  }, BUILD_TIMEOUT);

  it('names the file, line and column of a compile error', async () => {
    const dir = withSource('type-error', 'import { submit } from "romhost";\n\nexport function update(changed: string[]): void {\n  const n: i32 = "one";\n}\n');
    expect(await buildFault(dir)).toMatchObject({
      code: 'build-failed',
      message: `${join(dir, 'assembly', 'index.ts')}:4:18: Type '~lib/string/String' is not assignable to type 'i32'`,
    });
    const syntax = withSource('syntax-error', 'export function update(changed: string[]): void {\n  let x = (\n}\n');
    expect(await buildFault(syntax)).toMatchObject({ message: `${join(syntax, 'assembly', 'index.ts')}:3:1: Expression expected` });
  }, BUILD_TIMEOUT);

  it('says what the source must export when update is missing or of another type', async () => {
    const missing = withSource('no-update', 'export function updated(changed: string[]): void {}\n');
    expect(await buildFault(missing)).toMatchObject({
      code: 'build-failed',
      message: `${join(missing, 'assembly', 'index.ts')}: the source must export function update(changed: string[]): void (Module 'assembly/index' has no exported member 'update')`,
    });
    const typed = withSource('update-i32', 'export function update(changed: i32): void {}\n');
    expect(await buildFault(typed)).toMatchObject({ message: expect.stringContaining(': the source must export function update(changed: string[]): void (') });
  }, BUILD_TIMEOUT);

  it('refuses a module that needs imports outside the world, naming the call', async () => {
    const dir = withSource('random', 'import { submitText } from "romhost";\nexport function update(changed: string[]): void {\n  submitText("x", Math.random().toString());\n}\n');
    const fault = await buildFault(dir);
    expect(fault).toMatchObject({ code: 'build-failed', message: expect.stringContaining(`${join(dir, 'assembly', 'index.ts')}: the module imports env::seed (Math.random), which romhost does not grant`) });
    expect((fault as Error).message).not.toContain('\n');
  }, BUILD_TIMEOUT);

  it('names a missing source, and a source that is not .ts', async () => {
    const dir = withSource('gone', '');
    rmSync(join(dir, 'assembly', 'index.ts'));
    expect(await buildFault(dir)).toMatchObject({ message: `${join(dir, 'assembly', 'index.ts')}: no such file` });
    writeFileSync(join(dir, 'component.json'), JSON.stringify({ language: 'as', source: 'index.as', wasm: 'x.wasm' }));
    writeFileSync(join(dir, 'index.as'), '');
    expect(await buildFault(dir)).toMatchObject({ message: `${join(dir, 'index.as')}: an AssemblyScript source is a .ts file` });
  });

  it('says in one line how to install the compiler when it is missing or another version', async () => {
    const input = { dir: COUNTER, source: join(COUNTER, 'assembly', 'index.ts'), onProgress: () => {} };
    await expect(assemblyScriptStep('assemblyscript-not-installed/asc')(input)).rejects.toMatchObject({
      code: 'build-failed',
      message: `${input.source}: assemblyscript not found: install it with ${INSTALL}`,
    });
    const other = join(scratch, 'asc-0.27.mjs');
    writeFileSync(other, 'export default { version: "0.27.0" };\n');
    await expect(assemblyScriptStep(pathToFileURL(other).href)(input)).rejects.toMatchObject({
      message: `${input.source}: assemblyscript 0.27.0 found, romhost builds with 0.28.20: install it with ${INSTALL}`,
    });
  });
});

describe('the as components in the host', () => {
  it('counter-as gives the report changes of counter-wat, and a restart changes nothing', async () => {
    const reference = await changesOf('components/counter-wat/counter-wat.wasm', COUNTING);
    expect(await changesOf(join(COUNTER, 'counter-as.wasm'), COUNTING)).toEqual(reference);
    expect(await changesOf(join(COUNTER, 'counter-as.wasm'), { ...COUNTING, restartBefore: [0, 3, 4, 7, 11] })).toEqual(reference);
    expect(reference.slice(0, 4)).toEqual(['c/count="0"', 'c/state="0"', 'c/count="1"', 'c/state="1\\na"']);
  });

  it('counter-as runs thousands of updates within 1 MiB of memory: the kit frees what the host allocates', async () => {
    const values = Array.from({ length: 3000 }, (_, i) => `${i}:${'y'.repeat((i * 7919) % 4000)}`);
    const seen = await changesOf(join(COUNTER, 'counter-as.wasm'), { ...COUNTING, values, limits: '{ memory_mib: 1 }' });
    expect(seen.filter((c) => c.startsWith('fault'))).toEqual([]);
    expect(seen.at(-2)).toBe('c/count="3000"');
    expect(seen.at(-1)).toBe(`c/state=${JSON.stringify(`3000\n${values.at(-1)!}`)}`);
  });

  it('kv-as follows the examples of components/ROLES.md, and a restart changes nothing', async () => {
    const examples = [...roleExamples(), { command: 'set k v', view: '{"k":"v"}', size: '1' }];
    expect(examples.slice(0, 4).map((e) => e.command)).toEqual(['set b 2', 'set a x y', 'set a ', 'set q "hi"\\\nok']);
    const run: Run = { roms: '{ command: input/command, state: c/state }', reports: '[state, view, size]', input: 'command', values: examples.map((e) => e.command) };
    const seen = await changesOf(join(KV, 'kv-as.wasm'), run);
    // Only changes are seen: the view and size after each command, where they changed.
    const expected = ['c/view="{}"', 'c/size="0"'];
    examples.forEach(({ view, size }, i) => {
      if (view !== (examples[i - 1]?.view ?? '{}')) expected.push(`c/view=${JSON.stringify(view)}`);
      if (size !== (examples[i - 1]?.size ?? '0')) expected.push(`c/size=${JSON.stringify(size)}`);
    });
    expect(seen.filter((c) => !c.startsWith('c/state='))).toEqual(expected);
    expect(seen.at(-3)).toBe('c/state="k\\u0000v\\u0000"');
    expect(await changesOf(join(KV, 'kv-as.wasm'), { ...run, restartBefore: [1, 4, 7, 8] })).toEqual(seen);
  });
});
