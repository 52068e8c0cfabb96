import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ddmin } from './ddmin.js';

/** A test that fails when the subsequence holds every one of `needed`: its minimum is exactly `needed`. */
const holdsAll = (needed: readonly number[]) => async (s: readonly number[]) => needed.every((x) => s.includes(x));

describe('ddmin', () => {
  it('finds exactly the elements a failure needs, in their order', async () => {
    const items = Array.from({ length: 30 }, (_, i) => i);
    const result = await ddmin(items, holdsAll([3, 17, 18, 29]));
    expect(result.items).toEqual([3, 17, 18, 29]);
    expect(result.minimal).toBe(true);
  });

  it('returns the empty sequence, after one test, when nothing is needed', async () => {
    const result = await ddmin([1, 2, 3, 4], async () => true);
    expect(result).toEqual({ items: [], tests: 1, minimal: true });
  });

  it('keeps a sequence of one that cannot go, and the empty input as it is', async () => {
    expect((await ddmin(['x'], async (s) => s.length === 1)).items).toEqual(['x']);
    expect(await ddmin([], async () => true)).toEqual({ items: [], tests: 0, minimal: true });
  });

  it('is 1-minimal: no single element of the result can be left out', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 6 }), async (n, k) => {
        // Fails when at least k elements are left: any k of them are a minimum.
        const fails = async (s: readonly number[]) => s.length >= Math.min(k, n);
        const items = Array.from({ length: n }, (_, i) => i);
        const result = await ddmin(items, fails);
        expect(result.items.length).toBe(Math.min(k, n));
        for (let i = 0; i < result.items.length; i++) expect(await fails(result.items.filter((_, j) => j !== i))).toBe(false);
      }),
    );
  });

  it('finds any set of needed elements, testing no subsequence twice', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 0, max: 49 }), { maxLength: 8 }), async (needed) => {
        const items = Array.from({ length: 50 }, (_, i) => i);
        const seen = new Set<string>();
        let repeated = 0;
        const result = await ddmin(items, async (s) => {
          const key = s.join(',');
          if (seen.has(key)) repeated += 1;
          seen.add(key);
          return needed.every((x) => s.includes(x));
        });
        expect(result.items).toEqual([...needed].sort((a, b) => a - b));
        expect(repeated).toBe(0);
        expect(result.tests).toBe(seen.size);
      }),
    );
  });

  it('stops at maxTests with a failing subsequence, said to be perhaps not minimal', async () => {
    const items = Array.from({ length: 64 }, (_, i) => i);
    const fails = holdsAll([5, 20]);
    // The empty sequence, then the first half (which fails), then its first quarter (which does not).
    const result = await ddmin(items, fails, { maxTests: 3 });
    expect(result.tests).toBe(3);
    expect(result.minimal).toBe(false);
    expect(result.items).toEqual(items.slice(0, 32));
  });

  it('is deterministic and reports each test', async () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const sizes: number[] = [];
    const first = await ddmin(items, holdsAll([2, 11]), { onTest: (tests, size) => sizes.push(tests, size) });
    const second = await ddmin(items, holdsAll([2, 11]));
    expect(second).toEqual(first);
    expect(sizes.filter((_, i) => i % 2 === 0)).toEqual(Array.from({ length: first.tests }, (_, i) => i + 1));
    expect(sizes.at(-1)).toBe(2);
  });
});
