import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createHost,
  defaultStoreDir,
  isRomhostError,
  LmdbStore,
  MemoryStore,
  openDurableHost,
  openStore,
  readJournal,
  recordJournal,
  type JournalEntry,
  type Store,
  type StoreBatch,
} from '../host/index.js';
import { COUNTER_CHAIN, scenario, text } from './support/scenarios.js';
import { tempDirs } from './support/temp-dirs.js';

/**
 * A host on a store (DESIGN §3.7, §7): each step's journal, values and children are written
 * together after it, and the step's promise resolves only once they are durable; a host opened
 * on a store that holds a run resumes it from the stored values.
 */

const freshDir = tempDirs('romhost-durable-');

const all = async <T>(items: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const reportsOf = (reports: ReadonlyMap<string, Uint8Array>) => Object.fromEntries([...reports].map(([k, v]) => [k, text(v)]));

/** A real store that counts its writes, and can hold them back: to see when a promise resolves. */
class WatchedStore extends MemoryStore {
  writes: StoreBatch[] = [];
  gate: Promise<void> | undefined;
  failWith: Error | undefined;
  override async write(batch: StoreBatch): Promise<void> {
    this.writes.push(batch);
    if (this.gate) await this.gate;
    if (this.failWith) throw this.failWith;
    return super.write(batch);
  }
}

describe('a durable host', () => {
  for (const [kind, open] of [
    ['memory', async () => new MemoryStore()],
    ['lmdb', () => LmdbStore.open(freshDir())],
  ] as const) {
    it(`keeps what each step did in the ${kind} store: the journal a recording has, every value, the children`, async () => {
      const store: Store = await open();
      const file = join(freshDir(), 'run.journal');
      const durable = await openDurableHost(store, { folder: dirname(file) });
      const { host } = durable;
      expect(durable.resumed).toBeUndefined();
      const recording = recordJournal(host, file);
      await host.apply(scenario(COUNTER_CHAIN));
      for (const v of ['a', 'b', 'c']) await host.publish('input', v);
      await host.kill('plus-one');
      await recording.close();
      await durable.close();

      const recorded = (await readJournal(file)).steps.flatMap((s) => [s.event, ...s.caused]);
      expect(await all(store.journal())).toEqual(recorded);
      expect(await store.lastStep()).toBe(5);
      expect(await store.accepted()).toBe(4);
      const values = Object.fromEntries((await all(store.values())).map(([k, v]) => [k, text(v)]));
      expect(values).toMatchObject({ 'input/input': 'c', 'counter/count': '3', 'plus-one/out': '4', 'counter/state': '3\nc' });
      expect(values['host/state']).toBe(text(host.read('host/state')));
      const children = await all(store.children());
      expect(children.map(([name]) => name)).toEqual(['counter', 'plus-one']);
      expect(children[0]![1].component).toBe(host.state.children.counter!.component);
      // The bytes of every component it ran, by hash.
      for (const [, child] of children) expect(sha256(await store.component(child.component) ?? new Uint8Array())).toBe(child.component);
      await store.close();
    });
  }

  it('resumes from the stored values: the children start on them, and nothing is recomputed', async () => {
    const dir = freshDir();
    const first = await openDurableHost(await LmdbStore.open(dir));
    await first.host.apply(scenario(COUNTER_CHAIN));
    for (const v of ['a', 'b']) await first.host.publish('input', v);
    await first.close();
    await first.store.close();

    const store = await LmdbStore.open(dir);
    const again = await openDurableHost(store);
    expect(again.resumed).toEqual({ step: 3, accepted: 2 });
    expect(again.host.state.step).toBe(3);
    const updates: string[] = [];
    again.host.lifecycle$.subscribe((e) => updates.push(`${e.child} ${e.action}`));
    const changes: string[] = [];
    again.host.reports$.subscribe((c) => changes.push(`${c.source}=${text(c.content)}`));
    const applied = await again.host.apply(scenario(COUNTER_CHAIN));
    expect(applied.step).toBe(4);
    // Started on their ROMs, the children say what they said before: no report changes.
    expect(changes).toEqual([]);
    expect(updates).toEqual(['counter started', 'plus-one started']);
    await again.host.publish('input', 'c');
    expect(reportsOf(again.host.reports())).toMatchObject({ 'counter/count': '3', 'plus-one/out': '4' });

    // The same inputs in one uninterrupted run.
    const plain = createHost();
    await plain.apply(scenario(COUNTER_CHAIN));
    for (const v of ['a', 'b', 'c']) await plain.publish('input', v);
    expect(reportsOf(again.host.reports())).toEqual(reportsOf(plain.reports()));
    await plain.close();
    await again.close();
    expect(await store.accepted()).toBe(3);
    expect((await all(store.journal(4))).filter((e: JournalEntry) => 'input' in e)).toEqual([{ step: 5, input: 'input/input', text: 'c' }]);
    await store.close();
  });

  it('acknowledges a step only once it is durable', async () => {
    const store = new WatchedStore();
    const { host, close } = await openDurableHost(store);
    await host.apply(scenario(COUNTER_CHAIN));
    let release!: () => void;
    store.gate = new Promise((r) => (release = r));
    let acknowledged = false;
    const publishing = host.publish('input', 'a').then(() => (acknowledged = true));
    await new Promise((r) => setTimeout(r, 20));
    // The step ran (its reports are there), but the store has not kept it yet.
    expect(text(host.read('counter/count'))).toBe('1');
    expect(acknowledged).toBe(false);
    release();
    await publishing;
    expect(acknowledged).toBe(true);
    store.gate = undefined;
    await close();
  });

  it('writes the steps that end during a write together, in one batch (group commit)', async () => {
    const store = new WatchedStore();
    const { host, close } = await openDurableHost(store);
    await host.apply(scenario(COUNTER_CHAIN));
    const before = store.writes.length;
    const steps = await Promise.all(Array.from({ length: 200 }, (_, i) => host.publish('input', `v${i}`)));
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: 200 }, (_, i) => i + 2));
    const writes = store.writes.length - before;
    expect(writes).toBeGreaterThanOrEqual(1);
    expect(writes).toBeLessThan(200);
    expect(await store.accepted()).toBe(200);
    expect(text(await store.value('counter/count'))).toBe('200');
    expect((await all(store.journal())).filter((e) => 'input' in e)).toHaveLength(200);
    await close();
  });

  it('rejects what is not durable when the store fails, naming the store, and acknowledges nothing after', async () => {
    const store = new WatchedStore();
    const { host, close } = await openDurableHost(store);
    await host.apply(scenario(COUNTER_CHAIN));
    store.failWith = new Error('ENOSPC: no space left on device');
    const error = await host.publish('input', 'a').catch((e: unknown) => e);
    expect(isRomhostError(error) && error.code).toBe('store-write-failed');
    expect((error as Error).message).toMatch(/the memory could not keep a step: ENOSPC/);
    store.failWith = undefined;
    await expect(host.publish('input', 'b')).rejects.toThrow(/could not keep a step/);
    await close();
  });
});

describe('opening a store', () => {
  it('creates a folder for lmdb, and refuses one it cannot use, naming it', async () => {
    const dir = join(freshDir(), 'new', 'store');
    const store = await openStore(dir);
    expect(store.location).toBe(`lmdb at ${dir}`);
    await store.close();
    const file = join(freshDir(), 'a-file');
    writeFileSync(file, 'not a folder');
    await expect(openStore(join(file, 'store'))).rejects.toThrow(new RegExp(`the store at ${file}/store cannot be opened: .*--store DIR`));
    await expect(openStore('http://127.0.0.1:4222')).rejects.toThrow(/a folder \(lmdb\) or on a NATS server \(nats:\/\/HOST:PORT\); no other URL/);
  });

  it('puts a scenario without --store DIR in a folder of its own under the state folder', () => {
    const env = { XDG_STATE_HOME: '/state' };
    const a = defaultStoreDir('examples/counter/scenario.yaml', env);
    expect(a).toMatch(/^\/state\/romhost\/stores\/counter-scenario-[0-9a-f]{12}$/);
    expect(defaultStoreDir('examples/counter/scenario.yaml', env)).toBe(a);
    expect(defaultStoreDir('examples/windows/scenario.yaml', env)).not.toBe(a);
    expect(defaultStoreDir('x.yaml', { HOME: '/home/u' })).toContain('romhost/stores/');
  });
});
