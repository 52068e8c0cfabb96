import { readFileSync } from 'node:fs';
import { parse } from '@bytecodealliance/jco';
import { describe, expect, it } from 'vitest';
import { MemoryPool } from './memory-pool.js';

const PAGE = 64 * 1024;

describe('MemoryPool', () => {
  it('holds zero-memory.wat as it assembles', async () => {
    const source = readFileSync(new URL('./zero-memory.wat', import.meta.url), 'utf8');
    const embedded = /const ZERO_MEMORY = '([^']+)'/.exec(readFileSync(new URL('./memory-pool.ts', import.meta.url), 'utf8'))![1]!;
    expect(Buffer.from(await parse(source)).toString('base64')).toBe(embedded);
  });

  it('gives a memory back zeroed, whatever was written where', () => {
    const pool = new MemoryPool({ initial: 3, maximum: 10 });
    const memory = pool.take();
    const bytes = new Uint8Array(memory.buffer);
    for (const at of [0, 15, 16, 4095, 4096, 70_000, 2 * PAGE + 63, 3 * PAGE - 1]) bytes[at] = 0xab;
    pool.give(memory);
    expect(pool.take()).toBe(memory);
    expect(new Uint8Array(memory.buffer).every((b) => b === 0)).toBe(true);
    expect([pool.made, pool.reused]).toEqual([1, 1]);
  });

  it('keeps no memory that grew, and a bounded number of them', () => {
    const pool = new MemoryPool({ initial: 1, maximum: 4 });
    const grown = pool.take();
    grown.grow(1);
    pool.give(grown);
    expect(pool.size).toBe(0);
    const many = Array.from({ length: 300 }, () => pool.take());
    for (const m of many) pool.give(m);
    expect(pool.size).toBe(256);
    const big = new MemoryPool({ initial: 16, maximum: 16 }); // 1 MiB each: 64 MiB at most
    for (const m of Array.from({ length: 100 }, () => big.take())) big.give(m);
    expect(big.size).toBe(64);
  });
});
