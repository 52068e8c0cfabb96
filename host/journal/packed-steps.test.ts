import { describe, expect, it } from 'vitest';
import type { CausedEntry } from './format.js';
import { PackedSteps } from './packed-steps.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const base64 = (b: number[]) => Buffer.from(b).toString('base64');

describe('PackedSteps', () => {
  const steps: [Parameters<PackedSteps['step']>[0], CausedEntry[]][] = [
    [
      { step: 1, kill: 'c' },
      [
        { step: 1, report: 'a/x', text: '1' },
        { step: 1, fault: { child: 'a', code: 'trap', message: 'child "a" trapped' } },
        { step: 1, lifecycle: 'restarted', child: 'a' },
        { step: 1, report: 'b/y', text: '\ufeffgrün ☃' },
      ],
    ],
    [{ step: 2, input: 'input/i', text: 'héllo' }, []],
    [
      { step: 4, input: 'input/j', base64: base64([0, 255]) },
      [
        { step: 4, report: 'a/x', base64: base64([0, 255, 128]) },
        { step: 4, report: 'a/x', text: '' },
      ],
    ],
  ];
  const packed = new PackedSteps();
  for (const [event, caused] of steps) {
    packed.step(event);
    for (const e of caused) packed.caused(e);
  }

  it('gives back every entry (its bytes as text or base64, as its line had them), and each input’s bytes', () => {
    steps.forEach(([event, caused], index) => expect(packed.entries(index, event.step)).toEqual(caused));
    expect(packed.input(0)).toBeUndefined();
    expect(packed.input(1)).toEqual(bytes('héllo'));
    expect(packed.input(2)).toEqual(new Uint8Array([0, 255]));
  });

  it('numbers the items of each step in order; past the last step, none', () => {
    expect([0, 1, 2, 3].map((s) => [packed.first(s), packed.end(s)])).toEqual([
      [0, 4],
      [4, 4],
      [4, 6],
      [6, 6],
    ]);
  });

  it('compares a report change by name and bytes, and tells lifecycle items apart', () => {
    expect(packed.isReport(0, 'a/x', bytes('1'))).toBe(true);
    expect(packed.isReport(0, 'a/x', bytes('2'))).toBe(false);
    expect(packed.isReport(0, 'a/y', bytes('1'))).toBe(false);
    expect(packed.isReport(0, 'a/x', bytes('12'))).toBe(false);
    expect(packed.isReport(1, 'a/x', bytes(''))).toBe(false); // a fault
    expect(packed.isReport(3, 'b/y', bytes('\ufeffgrün ☃'))).toBe(true);
    expect(packed.isReport(3, 'b/y', bytes('grün ☃'))).toBe(false);
    expect(packed.isReport(4, 'a/x', new Uint8Array([0, 255, 128]))).toBe(true);
    expect(packed.isReport(5, 'a/x', new Uint8Array(0))).toBe(true);
    expect([0, 1, 2, 3, 4, 5].map((i) => packed.isLifecycle(i))).toEqual([false, false, true, false, false, false]);
  });

  it('grows past what it first holds, and keeps what it held', () => {
    const many = new PackedSteps();
    const value = (i: number) => `${i}:${'é'.repeat(i % 50)}`;
    for (let i = 0; i < 5000; i++) {
      many.step({ step: i + 1, input: 'input/n', text: value(i) });
      many.caused({ step: i + 1, report: `c/${i % 7}`, text: value(i) });
    }
    for (const i of [0, 1, 255, 256, 1023, 1024, 4999]) {
      expect([many.first(i), many.end(i)]).toEqual([i, i + 1]);
      expect(many.isReport(i, `c/${i % 7}`, bytes(value(i)))).toBe(true);
      expect(many.input(i)).toEqual(bytes(value(i)));
    }
  });
});
