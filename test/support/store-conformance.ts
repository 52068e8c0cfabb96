import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../host/journal/index.js';
import type { Store } from '../../host/store/index.js';

/**
 * What every Store must do (host/store/store.ts), run against each implementation. `open` gives
 * a store on fresh, empty storage; `reopen`, when the store outlives its process, opens what a
 * closed one left behind.
 */
export function storeConformance(name: string, open: () => Promise<Store>, reopen?: (closed: Store) => Promise<Store>): void {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));
  const all = async <T>(items: AsyncIterable<T>) => {
    const out: T[] = [];
    for await (const item of items) out.push(item);
    return out;
  };
  const entry = (step: number, report: string, value: string): JournalEntry => ({ step, report, text: value });

  describe(`the ${name} store`, () => {
    it('starts empty', async () => {
      const store = await open();
      expect(await store.value('input/x')).toBeUndefined();
      expect(await all(store.values())).toEqual([]);
      expect(await all(store.journal())).toEqual([]);
      expect(await store.lastStep()).toBe(0);
      expect(await store.accepted()).toBe(0);
      expect(await all(store.children())).toEqual([]);
      expect(store.location).toMatch(/\S/);
      await store.close();
    });

    it('keeps values, forgets them on null, and lists them sorted by source', async () => {
      const store = await open();
      await store.write({ values: new Map([['b/r', bytes('2')], ['input/a', bytes('1')], ['a/r', bytes('')], ['room/1/x', new Uint8Array([0, 255])]]) });
      await store.write({ values: new Map([['b/r', bytes('3')], ['input/a', null]]) });
      expect(text(await store.value('b/r'))).toBe('3');
      expect(await store.value('input/a')).toBeUndefined();
      expect(await store.value('a/r')).toEqual(new Uint8Array());
      expect((await all(store.values())).map(([k, v]) => [k, [...v]])).toEqual([
        ['a/r', []],
        ['b/r', [51]],
        ['room/1/x', [0, 255]],
      ]);
      await store.close();
    });

    it('does not keep a caller’s buffer: changing it afterwards changes nothing stored', async () => {
      const store = await open();
      const value = bytes('abc');
      await store.write({ values: new Map([['x/y', value]]) });
      value[0] = 0x7a;
      expect(text(await store.value('x/y'))).toBe('abc');
      await store.close();
    });

    it('appends the journal in order and reads it from a step on', async () => {
      const store = await open();
      await store.write({ journal: [{ step: 1, input: 'input/a', text: 'x' }, entry(1, 'c/r', '1'), entry(1, 'c/s', 'a')] });
      await store.write({ journal: [{ step: 2, kill: 'c' }] });
      await store.write({ journal: [{ step: 5, restart: 'c' }, entry(5, 'c/r', '2')] });
      expect(await store.lastStep()).toBe(5);
      expect((await all(store.journal())).map((e) => e.step)).toEqual([1, 1, 1, 2, 5, 5]);
      expect(await all(store.journal(2))).toEqual([{ step: 2, kill: 'c' }, { step: 5, restart: 'c' }, entry(5, 'c/r', '2')]);
      expect(await all(store.journal(3))).toEqual([{ step: 5, restart: 'c' }, entry(5, 'c/r', '2')]);
      expect(await all(store.journal(6))).toEqual([]);
      // More of the last step may follow (a step's event is written before what it causes).
      await store.write({ journal: [entry(5, 'c/s', 'b')] });
      expect((await all(store.journal(5))).length).toBe(3);
      await expect(store.write({ journal: [entry(4, 'c/r', 'late')] })).rejects.toThrow(/step 4/);
      expect(await store.lastStep()).toBe(5);
      await store.close();
    });

    it('writes values, journal and children of one batch together', async () => {
      const store = await open();
      await store.write({
        journal: [{ step: 1, input: 'input/a', text: 'x' }],
        values: new Map([['input/a', bytes('x')]]),
        children: new Map([['c', { component: 'ab'.repeat(32), hibernated: false }]]),
        accepted: 1,
      });
      expect(text(await store.value('input/a'))).toBe('x');
      expect(await store.accepted()).toBe(1);
      await store.write({ values: new Map([['input/a', bytes('y')]]) });
      expect(await store.accepted()).toBe(1);
      expect(await store.child('c')).toEqual({ component: 'ab'.repeat(32), hibernated: false });
      expect(await store.lastStep()).toBe(1);
      await store.close();
    });

    it('registers children, updates and forgets them, and lists them sorted', async () => {
      const store = await open();
      const c = { component: 'cd'.repeat(32), hibernated: false };
      await store.write({ children: new Map([['room/2', c], ['room/10', c], ['a', c]]) });
      await store.write({ children: new Map([['room/2', { ...c, hibernated: true }], ['a', null]]) });
      expect(await store.child('a')).toBeUndefined();
      expect(await store.child('room/2')).toEqual({ ...c, hibernated: true });
      expect((await all(store.children())).map(([k]) => k)).toEqual(['room/10', 'room/2']);
      await store.close();
    });

    it('keeps component bytes by their SHA-256', async () => {
      const store = await open();
      const wasm = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 42]);
      const hash = await store.putComponent(wasm);
      expect(hash).toBe(createHash('sha256').update(wasm).digest('hex'));
      expect(await store.putComponent(wasm)).toBe(hash);
      expect(await store.component(hash)).toEqual(wasm);
      expect(await store.component('00'.repeat(32))).toBeUndefined();
      await store.close();
    });

    it('applies writes in the order they were made, even when not awaited one by one', async () => {
      const store = await open();
      await Promise.all(Array.from({ length: 50 }, (_, i) => store.write({ values: new Map([['c/r', bytes(String(i))]]), journal: [entry(i + 1, 'c/r', String(i))] })));
      expect(text(await store.value('c/r'))).toBe('49');
      expect((await all(store.journal())).map((e) => e.step)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      await store.close();
    });

    if (reopen) {
      it('keeps everything across a close and reopen', async () => {
        const store = await open();
        const hash = await store.putComponent(bytes('\0asm component'));
        await store.write({
          journal: [{ step: 1, input: 'input/a', text: 'x' }, entry(1, 'c/r', '1')],
          values: new Map([['input/a', bytes('x')], ['c/r', bytes('1')]]),
          children: new Map([['c', { component: hash, hibernated: true }]]),
          accepted: 7,
        });
        await store.close();
        const again = await reopen(store);
        expect(text(await again.value('c/r'))).toBe('1');
        expect(await all(again.journal())).toHaveLength(2);
        expect(await again.lastStep()).toBe(1);
        expect(await again.accepted()).toBe(7);
        expect(await again.child('c')).toEqual({ component: hash, hibernated: true });
        expect(text(await again.component(hash))).toBe('\0asm component');
        await again.write({ journal: [entry(2, 'c/r', '2')] });
        expect((await all(again.journal())).map((e) => e.step)).toEqual([1, 1, 2]);
        await again.close();
      });
    }
  });
}
