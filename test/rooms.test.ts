import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { million } from '../bench/million.js';
import { jsonLines, romhost } from './support/cli.js';

/** examples/rooms through the CLI (a family of kv-c stores, two warm at most), and the million bench, small. */
const SCENARIO = 'examples/rooms/scenario.yaml';
const INPUTS = 'examples/rooms/inputs.jsonl';

describe('examples/rooms', () => {
  it('runs with --inputs --once: each room its own store, the lobby followed by a static child', async () => {
    const r = await romhost(['run', SCENARIO, '--inputs', INPUTS, '--once']);
    expect(r.stderr).toBe('');
    const { reports, faults } = JSON.parse(r.stdout) as { reports: Record<string, string>; faults: unknown[] };
    expect(faults).toEqual([]);
    expect(reports['room/42/view']).toBe('{"players":"2","topic":"chess"}');
    expect(reports['room/7/view']).toBe('{}');
    expect(reports['room/lobby/view']).toBe('{"rules":"be kind"}');
    expect(reports['lobby-changes/count']).toBe('3');
  }, 60_000);

  it('records a journal that replays and passes romhost check, members hibernating and waking throughout', async () => {
    const journal = join(mkdtempSync(join(tmpdir(), 'romhost-rooms-')), 'rooms.journal');
    const run = await romhost(['run', SCENARIO, '--inputs', INPUTS, '--record', journal]);
    const lifecycle = (jsonLines(run.stdout) as { child?: string; lifecycle?: string }[]).filter((l) => l.lifecycle);
    expect(lifecycle).toContainEqual(expect.objectContaining({ child: 'room/lobby', lifecycle: 'woken' }));
    const replay = await romhost(['replay', journal]);
    expect(replay.stdout).toMatch(/identical: 8 steps replayed/);
    expect(replay.code).toBe(0);
    const check = await romhost(['check', '--journal', journal]);
    expect(check.stdout).toMatch(/restart room\/\* before each of its updates: identical \(8 steps, \d+ restarts\)/);
    expect(check.code).toBe(0);
    const fromScenario = await romhost(['check', SCENARIO, '--inputs', INPUTS]);
    expect(fromScenario.stdout).toMatch(/the state-machine property holds/);
    expect(fromScenario.code).toBe(0);
  }, 120_000);
});

describe('bench/million, small', () => {
  it('registers every member, wakes members on random inputs, and reports its figures', async () => {
    const r = await million({ root: process.cwd(), members: 3000, latencyInputs: 300, throughputInputs: 300, maxWarm: 200, seed: 8 });
    expect(r.members).toBe(3000);
    expect(r.warm).toBeLessThanOrEqual(200);
    expect(r.woken).toBeGreaterThan(500); // 200 of 3,000 warm: most random inputs wake their member
    expect(r.wake_p50_us).toBeGreaterThan(0);
    expect(r.baseline_p50_us).toBeGreaterThan(0);
  }, 120_000);
});
