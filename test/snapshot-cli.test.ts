import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, romhost } from './support/cli.js';

/**
 * Snapshots across processes (issue 10): one romhost process snapshots the window manager in the
 * middle of a drag, a fresh one restores it (from the scenario's files, or from a package
 * elsewhere), runs the rest of the session, and ends with the reports of one run that never moved.
 * Damaged and mismatched snapshots are refused, each with its own line.
 */

const WINDOWS = resolve('examples/windows/scenario.yaml');
const SESSION = readFileSync('examples/windows/session.jsonl', 'utf8').trim().split('\n');
/** Window 1 is grabbed by its title at line 135 and let go at line 176: line 150 is mid-drag. */
const MID_DRAG = 150;

let dir: string;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Lines written to a file in the test's folder. */
const linesFile = (name: string, lines: readonly string[]) => {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
};

/** A folder deeper than the test's, so that the relative scenario path a snapshot holds names no file from it. */
const elsewhere = () => {
  const folder = join(mkdtempSync(join(dir, 'elsewhere-')), 'a', 'b');
  mkdirSync(folder, { recursive: true });
  return folder;
};

let uninterrupted: unknown;
let midDrag: string;
let before: string;
let after: string;
let windowsPackage: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'romhost-snapshot-cli-'));
  before = linesFile('before.jsonl', SESSION.slice(0, MID_DRAG));
  after = linesFile('after.jsonl', SESSION.slice(MID_DRAG));
  const whole = await romhost(['run', WINDOWS, '--inputs', 'examples/windows/session.jsonl', '--once']);
  expect(whole.code).toBe(0);
  uninterrupted = JSON.parse(whole.stdout);
  windowsPackage = join(dir, 'windows.romhost');
  expect((await romhost(['pack', WINDOWS, '-o', windowsPackage])).code).toBe(0);
  // Run A: the first part of the session, then a snapshot line, live (report changes as JSON lines).
  const withSnapshot = linesFile('a.jsonl', [...SESSION.slice(0, MID_DRAG), '{"snapshot": "mid-drag.snapshot"}']);
  const a = await romhost(['run', WINDOWS, '--inputs', withSnapshot]);
  expect(a.stderr).toBe('');
  midDrag = join(dir, 'mid-drag.snapshot');
  expect(jsonLines(a.stdout).at(-1)).toEqual({ step: MID_DRAG + 1, snapshot: midDrag, bytes: readFileSync(midDrag).length });
}, 120_000);

describe('the window manager snapshotted mid-drag', () => {
  it('is mid-drag: the layouter holds a grab of window 1 by its title', () => {
    const document = JSON.parse(gunzipSync(readFileSync(midDrag)).toString('utf8')) as { values: [string, string][] };
    const rules = JSON.parse(document.values.find(([source]) => source === 'layouter/rules')![1]) as { grab?: { window: number; element: string } };
    expect(rules.grab).toMatchObject({ window: 1, element: 'title' });
  });

  it('restored in a fresh process from the scenario\'s files, ends with the reports of the run that never moved', async () => {
    const r = await romhost(['run', '--restore', midDrag, '--inputs', after, '--once']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(uninterrupted);
  });

  it('restored elsewhere from a package of the scenario, alike; without it, the missing component is named', async () => {
    const folder = elsewhere();
    writeFileSync(join(folder, 'mid-drag.snapshot'), readFileSync(midDrag));
    const lacking = await romhost(['run', '--restore', 'mid-drag.snapshot', '--inputs', after, '--once'], '', folder);
    expect(lacking.code).toBe(2);
    expect(lacking.stderr).toMatch(
      /^romhost: snapshot mid-drag\.snapshot: component "layouter" \(SHA-256 [0-9a-f]{12}\) is not in the component files its scenario names \(beside .*\): give a package or a store that holds it \(romhost run NAME\.romhost --restore SNAPSHOT, or --store DIR\)\n$/,
    );
    const r = await romhost(['run', windowsPackage, '--restore', 'mid-drag.snapshot', '--inputs', after, '--once'], '', folder);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(uninterrupted);
  });

  it('is the same file when romhost snapshot takes it after the same inputs', async () => {
    const out = join(dir, 'by-command.snapshot');
    const r = await romhost(['snapshot', WINDOWS, '--inputs', before, '-o', out, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`romhost: snapshot of step ${MID_DRAG + 1} of ${WINDOWS} written to ${out} (${readFileSync(out).length} bytes, 8 values)\n`);
    expect(JSON.parse(r.stdout)).toMatchObject({ file: out, step: MID_DRAG + 1, values: 8 });
    expect(readFileSync(out).equals(readFileSync(midDrag))).toBe(true);
  });
});

describe('romhost snapshot --store and run --restore --store', () => {
  it('snapshots a stopped durable run, and restores it into a new store that keeps it', async () => {
    const counter = resolve('examples/counter/scenario.yaml');
    const first = join(dir, 'first-store');
    expect((await romhost(['run', counter, '--store', first], '{"rom": "input/input", "text": "a"}\n{"kill": "plus-one"}\n')).code).toBe(0);
    const snapshot = join(dir, 'store.snapshot');
    const taken = await romhost(['snapshot', '--store', first, '-o', snapshot]);
    expect(taken.stderr).toMatch(/^romhost: snapshot of step 3 of .*examples\/counter\/scenario\.yaml written to /);
    const second = join(dir, 'second-store');
    const restored = await romhost(['run', '--restore', snapshot, '--store', second], '{"rom": "input/input", "text": "b"}\n');
    expect(restored.stderr).toBe('');
    expect(jsonLines(restored.stdout)).toEqual([
      { store: `lmdb at ${second}`, step: 0, accepted: 0 },
      // The restore: the apply starts counter on its ROMs (no report changes), and makes plus-one stopped, as it was, without starting it.
      { step: 4, child: 'counter', lifecycle: 'started', component: expect.stringMatching(/^[0-9a-f]{64}$/) },
      { step: 5, report: 'counter/count', text: '2' },
      { step: 5, report: 'counter/state', text: '2\nb' },
    ]);
    const resumed = await romhost(['run', counter, '--store', second, '--input', 'input=c', '--once']);
    // The new store holds every value, not only those changed since the restore. (A durable resume
    // starts every child, a stopped one too: docs/store.md.)
    expect(JSON.parse(resumed.stdout)).toMatchObject({ reports: { 'counter/count': '3', 'counter/state': '3\nc', 'plus-one/out': '4' } });
    const refused = await romhost(['run', '--restore', snapshot, '--store', second, '--once']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `romhost: a snapshot cannot be restored into the lmdb at ${second}: it holds a run already (at step 7); restore into a new store (another --store DIR), or resume that run without --restore\n`,
    );
  });
});

describe('a snapshot that cannot be restored', () => {
  const variant = (name: string, bytes: Uint8Array) => {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    return file;
  };
  /** The snapshot's JSON document, edited, compressed again. */
  const edited = (name: string, edit: (document: Record<string, unknown>) => void) => {
    const document = JSON.parse(gunzipSync(readFileSync(midDrag)).toString('utf8')) as Record<string, unknown>;
    edit(document);
    return variant(name, gzipSync(JSON.stringify(document)));
  };
  const refusal = async (file: string, ...given: string[]) => {
    const r = await romhost(['run', ...given, '--restore', file, '--once']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    return r.stderr;
  };

  it('is refused when it is truncated', async () => {
    const bytes = readFileSync(midDrag);
    const file = variant('truncated.snapshot', bytes.subarray(0, bytes.length - 40));
    expect(await refusal(file)).toBe(`romhost: snapshot ${file} is damaged: it does not decompress (unexpected end of file): it was cut short or altered: copy it again, or take it again from its host\n`);
  });

  it('is refused when a byte is flipped', async () => {
    const bytes = Buffer.from(readFileSync(midDrag));
    bytes[Math.floor(bytes.length / 2)]! ^= 0x04;
    const file = variant('flipped.snapshot', bytes);
    expect(await refusal(file)).toMatch(new RegExp(`^romhost: snapshot ${file} is damaged: it does not decompress \\(.*\\): it was cut short or altered: copy it again, or take it again from its host\\n$`));
  });

  it('is refused when it is in a newer format version', async () => {
    const file = edited('version-2.snapshot', (d) => (d['version'] = 2));
    expect(await refusal(file)).toBe(`romhost: snapshot ${file} is in format version 2, and this romhost reads version 1: restore it with the romhost that took it\n`);
  });

  it('is refused when it is of another world', async () => {
    const file = edited('other-world.snapshot', (d) => (d['world'] = 'romhost:component/state-machine@0.2.0'));
    expect(await refusal(file)).toBe(
      `romhost: snapshot ${file} needs the world romhost:component/state-machine@0.2.0, and this romhost has romhost:component/state-machine@0.1.0: restore it with a romhost that has romhost:component/state-machine@0.2.0\n`,
    );
  });

  it('is refused when it is no snapshot, or edited out of shape', async () => {
    expect(await refusal(resolve('README.md'))).toBe(
      `romhost: ${resolve('README.md')} is not a romhost snapshot (not gzip): take one with romhost snapshot, or a {"snapshot": "PATH"} line to romhost run\n`,
    );
    const file = edited('edited.snapshot', (d) => (d['values'] = 'none'));
    expect(await refusal(file)).toBe(`romhost: snapshot ${file} is damaged: it is not a version 1 snapshot (values: Invalid input: expected array, received string): copy it again, or take it again from its host\n`);
  });

  it('is refused, naming the component and every place looked in, when the package given lacks a component', async () => {
    // The window manager's snapshot, elsewhere, with the counter's package: no layouter in it.
    const folder = elsewhere();
    const snapshot = join(folder, 'mid-drag.snapshot');
    writeFileSync(snapshot, readFileSync(midDrag));
    const counter = join(folder, 'counter.romhost');
    expect((await romhost(['pack', 'examples/counter/scenario.yaml', '-o', counter])).code).toBe(0);
    const layouter = (JSON.parse(gunzipSync(readFileSync(midDrag)).toString('utf8')) as { components: Record<string, string> }).components['layouter']!;
    expect(await refusal(snapshot, counter)).toMatch(
      new RegExp(
        `^romhost: snapshot ${snapshot}: component "layouter" \\(SHA-256 ${layouter.slice(0, 12)}\\) is not in package ${counter}, nor in the component files its scenario names \\(beside .*\\): give a package or a store that holds it`,
      ),
    );
  });
});

describe('romhost snapshot --help', () => {
  it('explains itself with an example', async () => {
    const r = await romhost(['snapshot', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:\n {2}romhost snapshot examples\/windows\/scenario\.yaml --inputs examples\/windows\/session\.jsonl -o windows\.snapshot/);
    const run = await romhost(['run', '--help']);
    expect(run.stdout).toMatch(/romhost run counter\.romhost --restore counter\.snapshot --input input=b --once/);
  });
});
