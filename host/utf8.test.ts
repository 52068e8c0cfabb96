import fc from 'fast-check';
import { expect, test } from 'vitest';
import { utf8 } from './utf8.js';

test('utf8 gives the bytes TextEncoder gives, for short and long, ASCII and not', () => {
  const encoder = new TextEncoder();
  fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 5000 }), (text) => {
    expect(utf8(text)).toEqual(encoder.encode(text));
  }));
  for (const text of ['', 'a', 'ü', 'x'.repeat(64), 'x'.repeat(65), 'ü'.repeat(32), 'ü'.repeat(33), 'x'.repeat(70_000)]) {
    expect(utf8(text)).toEqual(encoder.encode(text));
  }
});

test('what utf8 gives is a plain Uint8Array whose slice() copies', () => {
  const bytes = utf8('a long enough text to be cut from the slab that Node keeps for small Buffers');
  expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
  const copy = bytes.slice();
  copy[0] = 0;
  expect(bytes[0]).toBe('a'.charCodeAt(0));
});
