import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { headers, connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEntry } from '../host/journal/index.js';
import { NatsStore, openStore } from '../host/store/index.js';
import { encodeBatch } from '../host/store/nats-batch-codec.js';
import { NatsBatchLog } from '../host/store/nats-batch-log.js';
import { startNatsServer, type NatsServer } from '../bench/nats-server.js';

/** What only the NATS store has to get right: max_payload, recovery, restarts, a second writer. The rest is the conformance suite's (test/store.test.ts). */

const MiB = 1024 * 1024;
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));
const pattern = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 255);
/** Large byte arrays compared by hash: vitest's deep equality walks them element by element, for seconds. */
const digest = (b: Uint8Array | undefined) => b && createHash('sha256').update(b).digest('hex');
const entry = (step: number, value: string): JournalEntry => ({ step, report: 'c/r', text: value });
const all = async <T>(items: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};

let nats: NatsServer | undefined;
beforeAll(async () => void (nats = await startNatsServer()));
afterAll(() => nats?.stop());
const fresh = () => NatsStore.open(nats!.url, { prefix: `t-${randomUUID()}` });
const again = (store: NatsStore) => NatsStore.open(store.url, { prefix: store.prefix });

describe('the NATS store', () => {
  it('writes a batch larger than the server’s max_payload in parts, and reads it back whole', async () => {
    const store = await fresh();
    const values = new Map([0, 1, 2].map((i) => [`room/${i}/log`, pattern(700 * 1024, i)] as const));
    await store.write({ journal: [entry(1, 'small')] });
    await store.write({ values, journal: [entry(2, 'x'.repeat(300 * 1024)), entry(2, 'y')], accepted: 3 });
    await store.write({ journal: [entry(3, 'after')] });
    expect(digest(await store.value('room/2/log'))).toBe(digest(pattern(700 * 1024, 2)));
    await store.close();
    const reopened = await again(store);
    expect((await all(reopened.values())).map(([source, value]) => [source, value.byteLength])).toEqual([0, 1, 2].map((i) => [`room/${i}/log`, 700 * 1024]));
    expect((await all(reopened.journal(2))).map((e) => ('text' in e ? e.text.length : 0))).toEqual([300 * 1024, 1, 5]);
    expect(await reopened.accepted()).toBe(3);
    await reopened.close();
  });

  it('keeps a component larger than 1 MiB', async () => {
    const store = await fresh();
    const wasm = pattern(3 * MiB + 5, 7);
    const hash = await store.putComponent(wasm);
    expect(hash).toBe(createHash('sha256').update(wasm).digest('hex'));
    expect(await store.putComponent(wasm)).toBe(hash);
    await store.close();
    const reopened = await again(store);
    expect(digest(await reopened.component(hash))).toBe(hash);
    await reopened.close();
  });

  it('reads the journal from a step among many batches, one of them in parts', async () => {
    const store = await fresh();
    for (let step = 1; step <= 60; step++) {
      const big = step === 30 ? [entry(30, 'z'.repeat(2.5 * MiB))] : [];
      await store.write({ journal: [entry(step, `a${step}`), ...big, entry(step, `b${step}`)] });
      if (step % 7 === 0) await store.write({ values: new Map([['c/r', bytes(String(step))]]) });
    }
    for (const from of [0, 1, 2, 29, 30, 31, 59, 60]) {
      const steps = (await all(store.journal(from))).map((e) => e.step);
      expect(steps[0]).toBe(Math.max(from, 1));
      expect(steps).toHaveLength((61 - Math.max(from, 1)) * 2 + (from <= 30 ? 1 : 0));
    }
    expect(await all(store.journal(61))).toEqual([]);
    await store.close();
  });

  it('keeps sources and child names of any characters, sorted by code units', async () => {
    const store = await fresh();
    const names = ['a.b', 'a..b', '.x.', 'a=2Eb', 'é/ü', '😀', 'input/room/42/msg', 'host/state', ' '];
    await store.write({
      values: new Map(names.map((n) => [n, bytes(n)])),
      children: new Map(names.map((n) => [n, { component: 'ab'.repeat(32), hibernated: false }])),
    });
    const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect((await all(store.values())).map(([source, value]) => [source, text(value)])).toEqual(sorted.map((n) => [n, n]));
    expect((await all(store.children())).map(([name]) => name)).toEqual(sorted);
    expect(text(await store.value('a..b'))).toBe('a..b');
    expect(await store.value('a.b.')).toBeUndefined();
    await store.close();
  });

  it('applies on open a batch the stream holds but the KV view does not (a crash between the two)', async () => {
    const store = await fresh();
    await store.write({ journal: [entry(1, 'one')], values: new Map([['c/r', bytes('one')]]), accepted: 1 });
    await store.close();
    // What a host that died right after JetStream acknowledged its batch leaves: the batch in the stream, and nothing else.
    const nc = await connect({ servers: nats!.url });
    const log = await NatsBatchLog.open(nc, store.prefix, 'test');
    await log.append(
      encodeBatch({
        journal: [entry(2, 'two')],
        values: new Map([['c/r', bytes('two')], ['c/s', bytes('new')]]),
        children: new Map([['c', { component: 'cd'.repeat(32), hibernated: true }]]),
        accepted: 2,
      }),
      2,
    );
    await nc.drain();
    const reopened = await again(store);
    expect(text(await reopened.value('c/r'))).toBe('two');
    expect(text(await reopened.value('c/s'))).toBe('new');
    expect(await reopened.child('c')).toEqual({ component: 'cd'.repeat(32), hibernated: true });
    expect(await reopened.accepted()).toBe(2);
    expect(await reopened.lastStep()).toBe(2);
    expect((await all(reopened.journal())).map((e) => e.step)).toEqual([1, 2]);
    await reopened.close();
  });

  it('never applies a batch whose parts were cut short, and writes on after it', async () => {
    const store = await fresh();
    await store.write({ journal: [entry(1, 'one')], values: new Map([['c/r', bytes('one')]]) });
    await store.close();
    // A writer that died after the first of its batch's two parts.
    const nc = await connect({ servers: nats!.url });
    const h = headers();
    h.set('Romhost-Part', '1/2');
    h.set('Romhost-Step', '2');
    await jetstream(nc).publish(`${store.prefix}.journal`, encodeBatch({ values: new Map([['c/r', bytes('lost')]]) }), { headers: h });
    await nc.drain();
    const reopened = await again(store);
    expect(text(await reopened.value('c/r'))).toBe('one');
    await reopened.write({ journal: [entry(2, 'two')], values: new Map([['c/r', bytes('two')]]) });
    expect((await all(reopened.journal(2))).map((e) => ('text' in e ? e.text : ''))).toEqual(['two']);
    await reopened.close();
    const third = await again(store);
    expect(text(await third.value('c/r'))).toBe('two');
    expect((await all(third.journal())).map((e) => e.step)).toEqual([1, 2]);
    await third.close();
  });

  it('keeps every acknowledged write across a restart of the server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'romhost-nats-restart-'));
    const servers: NatsServer[] = [];
    try {
      servers.push(await startNatsServer({ dir }));
      const { url, port } = servers[0]!;
      const store = await NatsStore.open(url, { prefix: 'restart' });
      const hash = await store.putComponent(pattern(2 * MiB, 1));
      for (let step = 1; step <= 20; step++) {
        await store.write({ journal: [entry(step, String(step))], values: new Map([['c/r', bytes(String(step))]]), accepted: step });
      }
      await store.write({ children: new Map([['c', { component: hash, hibernated: false }]]) });
      await store.close();
      await servers[0]!.stop();
      servers.push(await startNatsServer({ dir, port }));
      const reopened = await NatsStore.open(url, { prefix: 'restart' });
      expect(text(await reopened.value('c/r'))).toBe('20');
      expect(await reopened.lastStep()).toBe(20);
      expect(await reopened.accepted()).toBe(20);
      expect(await reopened.child('c')).toEqual({ component: hash, hibernated: false });
      expect(digest(await reopened.component(hash))).toBe(hash);
      expect(await all(reopened.journal())).toHaveLength(20);
      await reopened.close();
    } finally {
      for (const server of servers) await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a second writer on one prefix with a clear error, and the first goes on', async () => {
    const first = await fresh();
    const second = await again(first);
    await first.write({ journal: [entry(1, 'first')], values: new Map([['c/r', bytes('first')]]) });
    const refused = second.write({ journal: [entry(1, 'second')], values: new Map([['c/r', bytes('second')]]) });
    await expect(refused).rejects.toMatchObject({ code: 'store-shared' });
    await expect(refused).rejects.toThrow(/was written by another writer/);
    await first.write({ journal: [entry(2, 'first again')] });
    expect(text(await first.value('c/r'))).toBe('first');
    expect((await all(first.journal())).map((e) => ('text' in e ? e.text : ''))).toEqual(['first', 'first again']);
    await second.close();
    await first.close();
  });

  it('names the URL and the fix when no server answers', async () => {
    const refused = openStore('nats://127.0.0.1:1');
    await expect(refused).rejects.toMatchObject({ code: 'store-unopenable' });
    await expect(refused).rejects.toThrow(/^the store at nats:\/\/127\.0\.0\.1:1 cannot be opened: no NATS server answers there .*nats-server -js/);
    await expect(refused).rejects.toThrow(/^[^\n]*$/);
  });
});
