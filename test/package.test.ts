import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { romhost } from './support/cli.js';

const COUNTER = resolve('examples/counter/scenario.yaml');
const WINDOWS = resolve('examples/windows/scenario.yaml');
const WINDOWS_INPUTS = resolve('examples/windows/windows.jsonl');

/** A copy of the package at `file` with `edit` applied to its entries, zipped again. */
function repack(file: string, out: string, edit: (entries: Record<string, Uint8Array>) => void): string {
  const entries = unzipSync(readFileSync(file));
  edit(entries);
  writeFileSync(out, zipSync(entries));
  return out;
}

let dir: string;
let counter: string;
let windows: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'romhost-package-'));
  counter = join(dir, 'counter.romhost');
  windows = join(dir, 'windows.romhost');
  for (const [scenario, out] of [[COUNTER, counter], [WINDOWS, windows]] as const) {
    const r = await romhost(['pack', scenario, '-o', out]);
    expect(r.stderr).toMatch(/^romhost: packed .* and \d+ components into .*\.romhost \(.*\)\n$/);
    expect(r.code).toBe(0);
  }
});

describe('romhost pack and run', () => {
  it('runs the counter from its package, elsewhere, with the reports of its scenario', async () => {
    const args = ['--input', 'input=a', '--input', 'input=b', '--once'];
    const direct = await romhost(['run', COUNTER, ...args]);
    const packaged = await romhost(['run', counter, ...args], '', mkdtempSync(join(tmpdir(), 'romhost-elsewhere-')));
    expect(packaged.stderr).toBe('');
    expect(packaged.code).toBe(0);
    expect(JSON.parse(packaged.stdout)).toEqual(JSON.parse(direct.stdout));
    expect(JSON.parse(packaged.stdout)).toMatchObject({ reports: { 'counter/count': '2', 'plus-one/out': '3' }, faults: [] });
  });

  it('runs the window manager from its package, elsewhere, with the reports of its scenario', async () => {
    const args = ['--inputs', WINDOWS_INPUTS, '--once'];
    const direct = await romhost(['run', WINDOWS, ...args]);
    expect(direct.code).toBe(0);
    const packaged = await romhost(['run', windows, ...args], '', mkdtempSync(join(tmpdir(), 'romhost-elsewhere-')));
    expect(packaged.stderr).toBe('');
    expect(packaged.code).toBe(0);
    expect(JSON.parse(packaged.stdout)).toEqual(JSON.parse(direct.stdout));
  });

  it('runs a package named relative to the working directory, twice (the second from its unpacked copy)', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await romhost(['run', 'counter.romhost', '--input', 'input=a', '--once'], '', dir);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toMatchObject({ reports: { 'counter/count': '1' } });
    }
  });

  it('packs the same scenario to the same bytes', async () => {
    const again = join(dir, 'again.romhost');
    await romhost(['pack', COUNTER, '-o', again]);
    expect(readFileSync(again).equals(readFileSync(counter))).toBe(true);
  });

  it('prints the manifest with --json', async () => {
    const r = await romhost(['pack', COUNTER, '-o', join(dir, 'json.romhost'), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ file: join(dir, 'json.romhost'), manifest: { romhost: 'package', version: 1 } });
  });

  it('refuses an output name without .romhost', async () => {
    const r = await romhost(['pack', COUNTER, '-o', join(dir, 'counter.zip')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`romhost: -o ${join(dir, 'counter.zip')}: a package's name must end in .romhost (romhost run and inspect tell it by that)\n`);
  });

  it('explains itself with an example', async () => {
    const r = await romhost(['pack', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Example:\n {2}romhost pack examples\/counter\/scenario\.yaml -o counter\.romhost/);
  });
});

describe('romhost inspect PACKAGE', () => {
  it('lists the scenario, the components, their hashes and sizes, and the world', async () => {
    const r = await romhost(['inspect', counter]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout) as { components: Record<string, { sha256: string; bytes: number }> };
    expect(info).toMatchObject({ file: counter, version: 1, world: 'romhost:component/state-machine@0.1.0', scenario: 'scenario.yaml', bytes: readFileSync(counter).length });
    expect(Object.keys(info.components).sort()).toEqual(['adder', 'counter']);
    expect(info.components['counter']).toEqual({
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      bytes: readFileSync('components/counter-wat/counter-wat.wasm').length,
    });
  });
});

describe('a package that is not what its manifest says', () => {
  const manifestOf = (entries: Record<string, Uint8Array>) =>
    JSON.parse(strFromU8(entries['manifest.json']!)) as { world: string; version: number; components: Record<string, { sha256: string }> };

  it('is refused when a component was altered', async () => {
    let sha256 = '';
    const tampered = repack(counter, join(dir, 'tampered.romhost'), (entries) => {
      sha256 = manifestOf(entries).components['counter']!.sha256;
      const wasm = entries[`components/${sha256}.wasm`]!;
      wasm[wasm.length - 1] = wasm[wasm.length - 1]! ^ 0xff;
    });
    for (const command of ['run', 'inspect']) {
      const r = await romhost([command, tampered, ...(command === 'run' ? ['--once'] : [])]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        new RegExp(`^romhost: package ${tampered}: component "counter" does not match its manifest \\(SHA-256 ${sha256.slice(0, 12)} listed, [0-9a-f]{12} found\\): the package was altered or damaged; pack it again from its scenario\\n$`),
      );
    }
  });

  it('is refused when its scenario was edited, even into one that still loads', async () => {
    const tampered = repack(counter, join(dir, 'edited.romhost'), (entries) => {
      entries['scenario.yaml'] = strToU8(`${strFromU8(entries['scenario.yaml']!)}\n# an innocent comment\n`);
    });
    const r = await romhost(['run', tampered, '--once']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`^romhost: package ${tampered}: its scenario.yaml does not match its manifest \\(SHA-256 [0-9a-f]{12} listed, [0-9a-f]{12} found\\): the package was altered or damaged; pack it again from its scenario\n$`),
    );
  });

  it('is refused when it needs another world', async () => {
    const other = repack(counter, join(dir, 'other-world.romhost'), (entries) => {
      entries['manifest.json'] = strToU8(JSON.stringify({ ...manifestOf(entries), world: 'romhost:component/state-machine@0.2.0' }));
    });
    const r = await romhost(['run', other, '--once']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `romhost: package ${other} needs the world romhost:component/state-machine@0.2.0, and this romhost has romhost:component/state-machine@0.1.0: run it with a romhost that has romhost:component/state-machine@0.2.0\n`,
    );
  });

  it('is refused when it is in a newer format', async () => {
    const newer = repack(counter, join(dir, 'newer.romhost'), (entries) => {
      entries['manifest.json'] = strToU8(JSON.stringify({ ...manifestOf(entries), version: 2 }));
    });
    const r = await romhost(['run', newer, '--once']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`romhost: package ${newer} is in format version 2, and this romhost reads version 1: run it with the romhost that packed it, or pack it again with this one\n`);
  });

  it('is refused when it is truncated', async () => {
    const truncated = join(dir, 'truncated.romhost');
    const bytes = readFileSync(counter);
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
    const r = await romhost(['run', truncated, '--once']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `romhost: package ${truncated} is damaged: it does not read as a zip archive (invalid zip data); it may be truncated: copy it again, or pack it again from its scenario\n`,
    );
  });

  it('is refused when a byte of the file is flipped', async () => {
    const flipped = join(dir, 'flipped.romhost');
    const bytes = Buffer.from(readFileSync(counter));
    // In the middle of a component's compressed bytes: inflating fails, or the hash does not match.
    const entries = unzipSync(bytes);
    const sha256 = manifestOf(entries).components['counter']!.sha256;
    const at = bytes.indexOf(`components/${sha256}.wasm`) + 100;
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(flipped, bytes);
    const r = await romhost(['run', flipped, '--once']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^romhost: package ${flipped}(:| is damaged:) `));
  });

  it('is refused when it is not a package at all', async () => {
    const readme = join(dir, 'readme.romhost');
    writeFileSync(readme, readFileSync('README.md'));
    const r = await romhost(['run', readme, '--once']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`romhost: ${readme} is not a romhost package (not a zip archive): make one with romhost pack SCENARIO -o NAME.romhost\n`);
  });
});

