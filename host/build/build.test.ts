import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRomhostError } from '../errors.js';
import { buildComponent, buildComponents, findComponentDirs } from './index.js';

const ROOTS = ['components', 'test/fixtures', 'test/hostile'];
const scratch = mkdtempSync(join(tmpdir(), 'romhost-build-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A fresh copy of a component folder, or a new folder holding `files`. */
function folder(name: string, files: Record<string, string> = {}, from?: string): string {
  const dir = join(scratch, name);
  if (from !== undefined) cpSync(from, dir, { recursive: true });
  else mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

const WAT_MANIFEST = JSON.stringify({ language: 'wat', source: 'x.wat', wasm: 'x.wasm' });

/** The error a build raises, as code and message. */
async function buildError(dir: string): Promise<{ code: string; message: string }> {
  const e: unknown = await buildComponent(dir).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isRomhostError(e)) throw new Error(`expected a RomhostError, got ${String(e)}`);
  return { code: e.code, message: e.message };
}

describe('findComponentDirs', () => {
  it('lists the folders with a component.json, sorted, and skips the rest', () => {
    const dirs = ROOTS.flatMap(findComponentDirs);
    expect(dirs).toEqual([...dirs].sort());
    expect(dirs).toEqual(expect.arrayContaining(['components/counter-wat', 'test/fixtures/core-module', 'test/fixtures/printer']));
    expect(dirs).not.toContain('test/fixtures/not-wasm');
  });

  it('gives nothing for a folder that does not exist', () => {
    expect(findComponentDirs(join(scratch, 'nowhere'))).toEqual([]);
  });
});

describe('buildComponent', () => {
  it('builds every committed component and fixture to exactly its committed bytes', async () => {
    const results = await buildComponents(ROOTS.flatMap(findComponentDirs), { check: true });
    expect(results.filter((r) => r.status !== 'unchanged').map((r) => r.wasm)).toEqual([]);
    expect(results.find((r) => r.dir.endsWith('core-module'))?.kind).toBe('core');
  }, 600_000); // every language, three 12 MB JavaScript engines among them

  it('is reproducible: building from scratch twice writes the same bytes as committed', async () => {
    const dir = folder('counter', {}, 'components/counter-wat');
    rmSync(join(dir, 'counter-wat.wasm'));
    const lines: string[] = [];
    const first = await buildComponent(dir, { onProgress: (line) => lines.push(line) });
    const second = await buildComponent(dir);
    expect(first.status).toBe('written');
    expect(second.status).toBe('unchanged');
    expect(Buffer.from(readFileSync(first.wasm))).toEqual(readFileSync('components/counter-wat/counter-wat.wasm'));
    expect(lines).toEqual([`written ${join(dir, 'counter-wat.wasm')} (component, ${first.bytes.length} bytes)`]);
  });

  it('in check mode reports a stale file and leaves it alone', async () => {
    const dir = folder('stale', {}, 'components/adder-wat');
    writeFileSync(join(dir, 'adder-wat.wasm'), 'old');
    const result = await buildComponent(dir, { check: true });
    expect(result.status).toBe('stale');
    expect(readFileSync(join(dir, 'adder-wat.wasm'), 'utf8')).toBe('old');
  });

  it('names the WAT file, line and column of a syntax error', async () => {
    const dir = folder('broken', { 'component.json': WAT_MANIFEST, 'x.wat': '(module\n  (func (export "update")\n    i32.bogus))\n' });
    expect(await buildError(dir)).toEqual({
      code: 'build-failed',
      message: `${join(dir, 'x.wat')}:3:5: unknown operator or unexpected token`,
    });
  });

  it('names the source when the module does not fit the world', async () => {
    const dir = folder('no-update', { 'component.json': WAT_MANIFEST, 'x.wat': '(module (func (export "run")))' });
    const error = await buildError(dir);
    expect(error.code).toBe('build-failed');
    expect(error.message).toMatch(new RegExp(`^${join(dir, 'x.wat')}: does not fit world state-machine of .*wit/world.wit: .*\`update\``));
    expect(error.message).not.toContain('\n');
  });

  it('names the WIT file when the WIT or the world is at fault', async () => {
    const manifest = (world: string) => JSON.stringify({ language: 'wat', source: 'x.wat', wasm: 'x.wasm', wit: 'x.wit', world });
    const wat = '(module (func (export "run")))';
    const broken = folder('bad-wit', { 'component.json': manifest('w'), 'x.wat': wat, 'x.wit': 'package a:b;\nworld w { export run: func() }' });
    expect((await buildError(broken)).message).toMatch(new RegExp(`^${join(broken, 'x.wit')}: world w: expected ';'`));
    const missing = folder('no-world', { 'component.json': manifest('v'), 'x.wat': wat, 'x.wit': 'package a:b;\nworld w { export run: func(); }' });
    expect((await buildError(missing)).message).toBe(`${join(missing, 'x.wit')}: world v: World \`v\` not found in package \`a:b\``);
  });

  it('says what is wrong with a missing or broken manifest', async () => {
    const none = folder('no-manifest');
    expect(await buildError(none)).toEqual({
      code: 'manifest-unreadable',
      message: `manifest ${join(none, 'component.json')} cannot be read: no such file: a component folder needs a component.json`,
    });
    const notJson = folder('not-json', { 'component.json': '{"language": ' });
    expect((await buildError(notJson)).message).toMatch(new RegExp(`^manifest ${join(notJson, 'component.json')}: not JSON`));
    const language = folder('cobol', { 'component.json': JSON.stringify({ language: 'cobol', source: 'x.cob', wasm: 'x.wasm' }) });
    expect(await buildError(language)).toMatchObject({ code: 'manifest-invalid', message: expect.stringContaining(': "language": ') });
    const unknown = folder('extra', { 'component.json': JSON.stringify({ language: 'wat', source: 'x.wat', wasm: 'x.wasm', colour: 'red' }) });
    expect((await buildError(unknown)).message).toContain('"colour"');
    const missingSource = folder('no-source', { 'component.json': WAT_MANIFEST });
    expect(await buildError(missingSource)).toEqual({ code: 'build-failed', message: `${join(missingSource, 'x.wat')}: no such file` });
  });
});

describe('romhost build', () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ['dist/host/cli/main.js', 'build', ...args], { encoding: 'utf8' });

  it('builds the folders given and reports progress on stderr', () => {
    const dir = folder('cli', {}, 'test/fixtures/undeclared');
    rmSync(join(dir, 'undeclared.wasm'));
    const run = cli([dir]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^written .*undeclared\.wasm \(component, \d+ bytes\)\n$/);
    expect(readFileSync(join(dir, 'undeclared.wasm'))).toEqual(readFileSync('test/fixtures/undeclared/undeclared.wasm'));
  });

  it('with --check exits 1 when a .wasm file is stale', () => {
    const dir = folder('cli-stale', {}, 'test/fixtures/undeclared');
    writeFileSync(join(dir, 'undeclared.wasm'), 'old');
    const run = cli(['--check', dir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('1 of 1 components are out of date');
  });

  it('fails with one line naming the file at fault', () => {
    const dir = folder('cli-broken', { 'component.json': '{' });
    const run = cli([dir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^romhost: manifest ${join(dir, 'component.json')}: not JSON [^\\n]*\\n$`));
  });

  it('explains itself with an example', () => {
    expect(execFileSync(process.execPath, ['dist/host/cli/main.js', 'build', '--help'], { encoding: 'utf8' })).toContain(
      'romhost build components/counter-wat',
    );
  });
});
