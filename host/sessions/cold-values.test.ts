import fc from 'fast-check';
import { expect, test } from 'vitest';
import { ColdValues } from './cold-values.js';

const bytes = (text: string) => new TextEncoder().encode(text);

test('a member frozen and thawed has the values it had, in a map again', () => {
  fc.assert(
    fc.property(
      fc.dictionary(fc.constantFrom('count', 'state', 'ünï', 'a.b'), fc.uint8Array({ maxLength: 300 })),
      fc.uint8Array({ maxLength: 200_000 }),
      (reports, input) => {
        const cold = new ColdValues();
        const hot = new Map<string, Uint8Array>(Object.entries(reports).map(([r, v]) => [`room/7/${r}`, v]));
        hot.set('input/room/7/msg', input);
        hot.set('room/8/count', bytes('other'));
        const before = new Map(hot);
        const own = new Map([...hot].filter(([s]) => s !== 'room/8/count'));
        cold.freeze('room/7', own);
        hot.clear();
        hot.set('room/8/count', bytes('other'));
        expect(cold.has('room/7')).toBe(true);
        expect(new Map(cold.entries())).toEqual(new Map([...before].filter(([s]) => s !== 'room/8/count')));
        expect(cold.value('room/7', 'input/room/7/msg')).toEqual(input);
        expect(cold.value('room/7', 'room/7/absent')).toBeUndefined();
        expect(cold.thaw('room/7', hot)).toBe(true);
        expect(hot).toEqual(before);
        expect(cold.size).toBe(0);
        expect(cold.thaw('room/7', hot)).toBe(false);
      },
    ),
    { numRuns: 50 },
  );
});

test('a member with none of the values keeps no record', () => {
  const cold = new ColdValues();
  cold.freeze('room/1', new Map());
  expect(cold.size).toBe(0);
});
