import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { createHost, loadScenario, parseScenario, readSnapshot, restoreHost, writeSnapshot, type Host } from '../host/index.js';
import { familyScenario } from './million.js';
import { emit, median, nowNs, progress, sig3 } from './stats.js';

export interface SnapshotBenchOptions {
  readonly root: string;
  /** Members of the family case, each created by an input of its own (issue 10: 100,000). */
  readonly members: number;
  /** Timed snapshots and restores of the window manager, and of the family: the medians are reported. */
  readonly rounds: { readonly windows: number; readonly family: number };
}

/** The figures of one case, as emitted. */
export interface SnapshotBenchResult {
  readonly case: string;
  readonly values: number;
  /** Sum of the sizes of every ROM and report value (their sources' names not counted: `source_names_bytes`). */
  readonly raw_bytes: number;
  readonly file_bytes: number;
  readonly snapshot_ms: number;
  readonly restore_ms: number;
  readonly baseline_write_ms: number;
  readonly baseline_read_ms: number;
}

/**
 * snapshot (issue 10): the time to take a snapshot (`host.snapshot()` and `writeSnapshot`) and to
 * restore one (`readSnapshot` and `restoreHost`, components already compiled in this process), and
 * the file's size, for the window manager in the middle of a drag and for a family of `members`
 * counter-wat members, against the raw size of their ROM values. The time baseline is the floor
 * of any self-describing file of the same values: their sources and texts as JSON pairs, gzipped
 * and written (for the snapshot), read, gunzipped and parsed (for the restore), with no host (no
 * `host.snapshot()`, no scenario, no components, no children started).
 */

const decoder = new TextDecoder();
export async function snapshotBench(opts: SnapshotBenchOptions): Promise<SnapshotBenchResult[]> {
  const work = mkdtempSync(path.join(tmpdir(), 'romhost-bench-snapshot-'));
  const results: SnapshotBenchResult[] = [];
  try {
    progress('snapshot: the window manager, mid-drag');
    results.push(await measure('windows mid-drag', await windowsMidDrag(opts.root), work, opts.rounds.windows));
    progress(`snapshot: ${opts.members} members of a family, one input each`);
    results.push(await measure(`${opts.members} members`, await family(opts.root, opts.members), work, opts.rounds.family));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return results;
}

/** examples/windows after the first 150 lines of its session: window 1 is being dragged by its title. */
async function windowsMidDrag(root: string): Promise<Host> {
  const host = createHost();
  await host.apply(await loadScenario(path.join(root, 'examples/windows/scenario.yaml')));
  const lines = (await readFile(path.join(root, 'examples/windows/session.jsonl'), 'utf8')).trim().split('\n').slice(0, 150);
  for (const line of lines) {
    const { rom, text } = JSON.parse(line) as { rom: string; text: string };
    await host.publish(rom.slice('input/'.length), text);
  }
  return host;
}

async function family(root: string, members: number): Promise<Host> {
  const host = createHost();
  await host.apply(parseScenario(familyScenario(root, 10_000), path.join(root, 'snapshot.yaml')));
  for (let k = 0; k < members; k++) await host.publish(`room/${k}/msg`, 'a');
  return host;
}

async function measure(name: string, host: Host, work: string, rounds: number): Promise<SnapshotBenchResult> {
  const file = path.join(work, `${name.replace(/\W+/g, '-')}.snapshot`);
  const raw = path.join(work, `${name.replace(/\W+/g, '-')}.json.gz`);
  const snapshotMs: number[] = [];
  const restoreMs: number[] = [];
  const writeMs: number[] = [];
  const readMs: number[] = [];
  let fileBytes = 0;
  const expected = [...host.reports()];
  for (let round = 0; round < rounds; round++) {
    let t = nowNs();
    fileBytes = (await writeSnapshot(file, await host.snapshot())).bytes;
    snapshotMs.push((nowNs() - t) / 1e6);

    t = nowNs();
    const restored = await restoreHost(await readSnapshot(file));
    restoreMs.push((nowNs() - t) / 1e6);
    const got = [...restored.reports()];
    if (got.length !== expected.length || got.some(([source, value], i) => source !== expected[i]![0] || Buffer.compare(value, expected[i]![1]) !== 0)) {
      throw new Error(`snapshot ${name}: the restored host's reports differ from the snapshotted host's`);
    }
    await restored.close();

    const values = (await host.snapshot()).values;
    t = nowNs();
    await writeFile(raw, await promisify(gzip)(JSON.stringify(values.map(([source, v]) => [source, decoder.decode(v)]))));
    writeMs.push((nowNs() - t) / 1e6);
    t = nowNs();
    JSON.parse((await promisify(gunzip)(await readFile(raw))).toString('utf8'));
    readMs.push((nowNs() - t) / 1e6);
    if ((round + 1) % Math.ceil(rounds / 5) === 0) progress(`snapshot ${name}: round ${round + 1} of ${rounds}`);
  }
  const values = (await host.snapshot()).values;
  await host.close();
  const rawBytes = values.reduce((sum, [, v]) => sum + v.length, 0);
  const namesBytes = values.reduce((sum, [source]) => sum + Buffer.byteLength(source), 0);
  const result: SnapshotBenchResult = {
    case: name,
    values: values.length,
    raw_bytes: rawBytes,
    file_bytes: fileBytes,
    snapshot_ms: sig3(median(snapshotMs)),
    restore_ms: sig3(median(restoreMs)),
    baseline_write_ms: sig3(median(writeMs)),
    baseline_read_ms: sig3(median(readMs)),
  };
  emit({
    bench: 'snapshot',
    unit: 'ms (medians), bytes',
    ...result,
    file_over_raw: sig3(fileBytes / rawBytes),
    source_names_bytes: namesBytes,
    snapshot_over_baseline: sig3(result.snapshot_ms / result.baseline_write_ms),
    restore_over_baseline: sig3(result.restore_ms / result.baseline_read_ms),
    baseline_name: 'the values as JSON [source, text] pairs, no host: JSON.stringify + gzip + write (snapshot), read + gunzip + JSON.parse (restore)',
    rounds,
  });
  return result;
}
