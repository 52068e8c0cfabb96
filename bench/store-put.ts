import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { open } from 'lmdb';
import { LmdbStore, loadScenario, openDurableHost, type StepResult } from '../host/index.js';
import { SCENARIO } from './paths.js';
import { emit, nowNs, progress, sig3 } from './stats.js';

export interface StorePutOptions {
  readonly root: string;
  /** Steps per measurement. */
  readonly steps: number;
}

const encoder = new TextEncoder();

/**
 * store-put: durable ROM updates per second on the embedded store. The counter example on an lmdb
 * store; each step changes four values (the input, counter/count, counter/state, plus-one/out) and
 * writes five journal entries, all in one transaction. Measured two ways, each against raw lmdb
 * doing the same in the same folder kind:
 * - one at a time: each publish awaited (acknowledged) before the next, vs lmdb's floor: one
 *   awaited, flushed transaction of four puts and five appends at a time;
 * - streamed: every publish sent at once, so that the steps that end during a write go in the
 *   next (group commit), vs lmdb's own batching of un-awaited transactions.
 */
export async function storePut(opts: StorePutOptions): Promise<void> {
  const scenario = await loadScenario(path.join(opts.root, SCENARIO));
  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'romhost-store-put-'));
    dirs.push(dir);
    return dir;
  };
  try {
    for (const mode of ['one-at-a-time', 'streamed'] as const) {
      progress(`store-put: ${opts.steps} steps ${mode}, on romhost and on raw lmdb`);
      const romhost = await hostRate(scenario, fresh(), opts.steps, mode);
      const floor = await lmdbRate(fresh(), opts.steps, mode);
      emit({
        bench: 'store-put',
        mode,
        unit: 'durable ROM updates/s',
        romhost: sig3(romhost * 4),
        baseline: sig3(floor * 4),
        baseline_name: mode === 'streamed' ? 'raw lmdb, transactions not awaited (its own batching)' : 'raw lmdb, one awaited transaction at a time (the sync floor)',
        ratio: sig3(romhost / floor),
        romhost_steps_per_s: sig3(romhost),
        values_per_step: 4,
      });
    }
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** Steps per second of the counter example on a durable lmdb store. */
async function hostRate(scenario: Awaited<ReturnType<typeof loadScenario>>, dir: string, steps: number, mode: 'one-at-a-time' | 'streamed'): Promise<number> {
  const store = await LmdbStore.open(dir);
  const durable = await openDurableHost(store);
  await durable.host.apply(scenario);
  const inputs = Array.from({ length: steps }, (_, i) => encoder.encode(`v${i + 1}`));
  const t0 = nowNs();
  if (mode === 'one-at-a-time') for (const input of inputs) await durable.host.publish('input', input);
  else await Promise.all(inputs.map((input): Promise<StepResult> => durable.host.publish('input', input)));
  const s = (nowNs() - t0) / 1e9;
  if (new TextDecoder().decode(await store.value('counter/count')) !== String(steps)) throw new Error('store-put: the store does not hold the last count');
  await durable.close();
  await store.close();
  return steps / s;
}

/** The same writes on raw lmdb: per step, four values and five journal entries of the same sizes, in one transaction. */
async function lmdbRate(dir: string, steps: number, mode: 'one-at-a-time' | 'streamed'): Promise<number> {
  const root = open({ path: dir, compression: false });
  const values = root.openDB<Uint8Array, string>({ name: 'values', encoding: 'binary' });
  const journal = root.openDB<object, [number, number]>({ name: 'journal', encoding: 'json' });
  const step = (i: number) =>
    root.transaction(() => {
      const v = `v${i}`;
      void values.put('input/input', encoder.encode(v));
      void values.put('counter/count', encoder.encode(String(i)));
      void values.put('counter/state', encoder.encode(`${i}\n${v}`));
      void values.put('plus-one/out', encoder.encode(String(i + 1)));
      void journal.put([i, 0], { step: i, input: 'input/input', text: v });
      void journal.put([i, 1], { step: i, report: 'counter/count', text: String(i) });
      void journal.put([i, 2], { step: i, report: 'counter/state', text: `${i}\n${v}` });
      void journal.put([i, 3], { step: i, report: 'plus-one/out', text: String(i + 1) });
      void journal.put([i, 4], { step: i, lifecycle: 'none', child: 'x' });
    });
  const t0 = nowNs();
  if (mode === 'one-at-a-time') {
    for (let i = 1; i <= steps; i++) {
      await step(i);
      await root.flushed;
    }
  } else {
    await Promise.all(Array.from({ length: steps }, (_, i) => step(i + 1)));
    await root.flushed;
  }
  const s = (nowNs() - t0) / 1e9;
  await root.close();
  return steps / s;
}
