import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { snapshotBench } from '../bench/snapshot.js';
import {
  createHost,
  loadScenario,
  MemoryStore,
  openDurableHost,
  planRestore,
  readSnapshot,
  restoreHost,
  storeSnapshot,
  writeSnapshot,
  type Host,
  type Snapshot,
} from '../host/index.js';
import { text } from './support/scenarios.js';
import { tempDirs } from './support/temp-dirs.js';

/**
 * Snapshots through the API (host/snapshot, docs/snapshot.md): a host written to a file at a step
 * boundary and restored in another host, which then reports what the host that never moved
 * reports. test/snapshot-cli.test.ts does it across processes, and tries damaged files.
 */

const freshDir = tempDirs('romhost-snapshot-');

/** The `{"rom": "input/NAME", "text": ...}` lines of an example's inputs. */
const inputLines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { rom: string; text: string });

const publishAll = async (host: Host, lines: readonly { rom: string; text: string }[]) => {
  for (const { rom, text } of lines) await host.publish(rom.slice('input/'.length), text);
};

/** What later steps change, without their numbers: a restored host numbers its steps after its restore's own. */
const changesOf = (host: Host) => {
  const changes: string[] = [];
  host.reports$.subscribe((c) => changes.push(`${c.source}=${text(c.content)}`));
  return changes;
};

const reportsOf = (host: Host) => Object.fromEntries([...host.reports()].map(([k, v]) => [k, text(v)]));

/** Every value but `host/state`, which says what the restore's apply did (its step, what it started). */
const valuesOf = (snapshot: Snapshot) => snapshot.values.filter(([source]) => source !== 'host/state').map(([source, value]) => [source, text(value)]);

/** A host running an example's scenario. */
async function hostOn(file: string): Promise<Host> {
  const host = createHost();
  await host.apply(await loadScenario(file));
  return host;
}

/** The snapshot of `host`, through a file: written and read back. */
async function throughFile(host: Host, name = 'host.snapshot'): Promise<Snapshot> {
  const file = join(freshDir(), name);
  await writeSnapshot(file, await host.snapshot());
  return readSnapshot(file);
}

/** `host` and a host restored from its snapshot run `after`; both must report alike, and end alike. */
async function expectSameAfter(host: Host, restored: Host, after: (h: Host) => Promise<void>): Promise<void> {
  const [original, again] = [changesOf(host), changesOf(restored)];
  await after(host);
  await after(restored);
  expect(again).toEqual(original);
  expect(reportsOf(restored)).toEqual(reportsOf(host));
}

describe('a snapshot restored', () => {
  it('holds the counter\'s every value, and reports on as the host that never moved', async () => {
    const host = await hostOn('examples/counter/scenario.yaml');
    await host.publish('input', 'a');
    await host.publish('input', new Uint8Array([0xff, 0x00])); // not UTF-8: kept as base64
    const snapshot = await throughFile(host);
    expect(snapshot.step).toBe(3);
    const restored = await restoreHost(snapshot);
    expect(valuesOf(await restored.snapshot())).toEqual(valuesOf(await host.snapshot()));
    expect(restored.read('input/input')).toEqual(new Uint8Array([0xff, 0x00]));
    await expectSameAfter(host, restored, async (h) => {
      for (const input of ['b', 'c']) await h.publish('input', input);
    });
    expect(text(restored.read('counter/count'))).toBe('4');
    await Promise.all([host.close(), restored.close()]);
  });

  it('knows the members of a family again from their values, each on its own state', async () => {
    const lines = inputLines('examples/rooms/inputs.jsonl');
    const host = await hostOn('examples/rooms/scenario.yaml');
    await publishAll(host, lines.slice(0, 4));
    const restored = await restoreHost(await throughFile(host));
    expect(restored.state.families?.['room/*']?.members).toBe(3);
    expect(restored.state.families?.['room/*']).toEqual({ ...host.state.families?.['room/*'], warm: 0 });
    await expectSameAfter(host, restored, (h) => publishAll(h, lines.slice(4)));
    expect(text(restored.read('room/42/view'))).toBe('{"players":"2","topic":"chess"}');
    await Promise.all([host.close(), restored.close()]);
  });

  it('starts a child swapped live on the component it ran, and changes no report in doing so', async () => {
    const lines = inputLines('examples/windows/session.jsonl');
    const host = await hostOn('examples/windows/scenario.yaml');
    await publishAll(host, lines.slice(0, 140)); // window 1 grabbed by its title
    await host.swap('decorator', 'components/decorator-themed/decorator-themed.wasm');
    await publishAll(host, lines.slice(140, 150));
    const snapshot = await throughFile(host);
    const plan = await planRestore(snapshot);
    const restored = createHost({ resume: plan.resume });
    const changed = changesOf(restored);
    await plan.apply(restored);
    expect(changed).toEqual([]);
    expect(restored.state.children['decorator']?.component).toBe(host.state.children['decorator']?.component);
    expect(restored.state.children['decorator']?.component).not.toBe(snapshot.components['decorator-classic']);
    await expectSameAfter(host, restored, (h) => publishAll(h, lines.slice(150)));
    await Promise.all([host.close(), restored.close()]);
  });

  it('keeps a child that was killed down, and one that was hibernating asleep', async () => {
    const host = await hostOn('examples/counter/scenario.yaml');
    await host.publish('input', 'a');
    await host.hibernate('counter');
    await host.kill('plus-one');
    const restored = await restoreHost(await throughFile(host));
    expect(restored.state.children['plus-one']?.status).toBe('stopped');
    expect(restored.state.children['counter']?.status).toBe('hibernated');
    await expectSameAfter(host, restored, async (h) => void (await h.publish('input', 'b')));
    expect(text(restored.read('plus-one/out'))).toBe('2'); // counter/count went on to 2; plus-one, down, said nothing
    await Promise.all([host.close(), restored.close()]);
  });

  it('keeps a child killed before its ROMs changed as it was: not started, its last reports those it left', async () => {
    const host = await hostOn('examples/counter/scenario.yaml');
    await host.publish('input', 'a');
    await host.kill('plus-one');
    await host.publish('input', 'b'); // counter/count is 2 now; plus-one, down, still says 2 (of count 1)
    const lifecycle: string[] = [];
    const restored = await restoreHost(await throughFile(host), { host: {} });
    restored.lifecycle$.subscribe((e) => lifecycle.push(`${e.child} ${e.action}`));
    expect(text(restored.read('plus-one/out'))).toBe('2');
    expect(restored.state.children['plus-one']?.status).toBe('stopped');
    expect(restored.state.step).toBe(host.state.step + 1); // the apply, and no step of a kill
    await expectSameAfter(host, restored, async (h) => void (await h.publish('input', 'c')));
    expect(lifecycle).not.toContain('plus-one started');
    await Promise.all([host.close(), restored.close()]);
  });

  it('writes gzip of one JSON document, the scenario named relative to the snapshot\'s folder', async () => {
    const host = await hostOn('examples/counter/scenario.yaml');
    await host.publish('input', new Uint8Array([0xff]));
    const file = join(freshDir(), 'counter.snapshot');
    const written = await writeSnapshot(file, await host.snapshot());
    const bytes = readFileSync(file);
    expect(written).toEqual({ file, step: 2, bytes: bytes.length });
    const document = JSON.parse(gunzipSync(bytes).toString('utf8')) as Record<string, unknown>;
    expect(document).toMatchObject({
      romhost: 'snapshot',
      version: 1,
      world: 'romhost:component/state-machine@0.1.0',
      step: 2,
      scenario: { subsystems: {} },
      children: { counter: { component: expect.stringMatching(/^[0-9a-f]{64}$/), status: 'running' } },
    });
    expect((document['scenario'] as { file: string }).file).toMatch(/^(\.\.\/)+.*examples\/counter\/scenario\.yaml$/);
    expect(document['values']).toContainEqual(['counter/count', '1']);
    expect(document['values']).toContainEqual(['input/input', { base64: '/w==' }]);
    expect((await readSnapshot(file)).scenario.file).toBe(resolve('examples/counter/scenario.yaml'));
    await host.close();
  });
});

describe('a snapshot of a store', () => {
  it('is the run a stopped durable host left, and restores into a new store, which keeps it', async () => {
    const store = new MemoryStore();
    const durable = await openDurableHost(store);
    await durable.host.apply(await loadScenario('examples/counter/scenario.yaml'));
    for (const input of ['a', 'b']) await durable.host.publish('input', input);
    await durable.host.kill('plus-one');
    await durable.close();
    const snapshot = await storeSnapshot(store);
    expect(snapshot.step).toBe(4);
    expect(snapshot.children['plus-one']?.status).toBe('stopped');

    const target = new MemoryStore();
    const plan = await planRestore(snapshot, { store });
    const restored = await openDurableHost(target, { resume: plan.resume });
    await plan.apply(restored.host);
    await restored.host.publish('input', 'c');
    await restored.close();
    // The new store holds the whole run: a host on it resumes with every value, not only those changed since.
    const again = await openDurableHost(target);
    expect(again.resumed?.step).toBe(6); // the restore's apply at 5 (plus-one made stopped in it), the input at 6
    expect(text(await target.value('input/input'))).toBe('c');
    expect(text(await target.value('plus-one/out'))).toBe('3');
    await again.close();
    await expect(openDurableHost(target, { resume: plan.resume })).rejects.toMatchObject({ code: 'snapshot-store-holds-run' });
  });
});

describe('bench/snapshot, small', () => {
  it('snapshots and restores both cases, restored reports equal, and reports its figures', async () => {
    const results = await snapshotBench({ root: process.cwd(), members: 300, rounds: { windows: 1, family: 1 } });
    expect(results.map((r) => r.case)).toEqual(['windows mid-drag', '300 members']);
    const members = results[1]!;
    expect(members.values).toBe(3 * 300 + 1); // each member's input, count and state, and host/state
    expect(members.file_bytes).toBeGreaterThan(0);
    expect(members.raw_bytes).toBeGreaterThan(0);
  }, 60_000);
});
