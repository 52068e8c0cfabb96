/**
 * A JavaScript component cannot make two runs differ through the clock or randomness: its
 * `Date.now()` is frozen at 0, and `Math.random()` and `crypto.getRandomValues()` draw from a
 * generator seeded in the component itself, so every instance (every start and restart) draws
 * the same sequence. test/fixtures/js-entropy reports all of them on every update.
 */
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHost, parseScenario, type Host } from '../index.js';
import { buildComponent } from './index.js';

const DIR = 'test/fixtures/js-entropy';
const hosts: Host[] = [];
afterAll(async () => {
  for (const host of hosts) await host.close();
});

interface Entropy {
  readonly now: number;
  readonly iso: string;
  readonly random: number[];
  readonly bytes: number[];
  readonly words: number[];
  readonly uuid: string;
}

/** A fresh host running js-entropy; `restartBefore` lists the inputs to restart the child before. */
async function run(inputs: readonly string[], restartBefore: ReadonlySet<number> = new Set()): Promise<Entropy[]> {
  const host = createHost();
  hosts.push(host);
  const reports: Entropy[] = [];
  host.reports$.subscribe((c) => reports.push(JSON.parse(new TextDecoder().decode(c.content)) as Entropy));
  const yaml = `components: { e: ${DIR}/js-entropy.wasm }\nchildren:\n  e: { component: e, roms: { input: input/input }, reports: [entropy] }\n`;
  expect((await host.apply(parseScenario(yaml, resolve('inline.yaml')))).faults).toEqual([]);
  for (const [i, input] of inputs.entries()) {
    if (restartBefore.has(i)) expect((await host.restart('e')).faults).toEqual([]);
    expect((await host.publish('input', input)).faults).toEqual([]);
  }
  return reports;
}

describe('js-entropy', () => {
  it('is built reproducibly: a rebuild gives the committed bytes', async () => {
    expect((await buildComponent(DIR, { check: true })).status).toBe('unchanged');
  }, 120_000);

  it('reports the same values in two fresh hosts', async () => {
    const first = await run(['a', 'b', 'c']);
    expect(first).toHaveLength(4);
    expect(await run(['a', 'b', 'c'])).toEqual(first);
  }, 60_000);

  it('sees a clock frozen at 0: Date.now() is 0, new Date() is 1970-01-01T00:00:00.000Z', async () => {
    for (const report of await run(['a', 'b'])) {
      expect([report.now, report.iso]).toEqual([0, '1970-01-01T00:00:00.000Z']);
    }
  }, 60_000);

  it('draws one fixed random sequence per instance: it goes on across updates and starts over on a restart', async () => {
    const straight = await run(['a', 'b', 'c']);
    // Within one instance the values differ from update to update...
    expect(new Set(straight.map((r) => JSON.stringify([r.random, r.bytes, r.words, r.uuid]))).size).toBe(straight.length);
    // ...and a restarted instance draws the same sequence again from its start.
    const restarted = await run(['a', 'b', 'c'], new Set([1]));
    expect(restarted).toEqual([straight[0], straight[1], straight[0], straight[1], straight[2]]);
  }, 60_000);
});
