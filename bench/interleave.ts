import { progress } from './stats.js';

/** One timed run of a side: its duration in ns, which the side measures itself (setup stays outside). */
export type Sample = () => Promise<number>;

export interface InterleaveOptions {
  readonly iterations: number;
  readonly warmup: number;
  /** Iterations of one side before switching to the next: sides alternate in blocks this long. */
  readonly block: number;
}

/**
 * `iterations` samples of every side, after `warmup` untimed ones each, taken in alternating
 * blocks whose order rotates: a drift in the machine's speed reaches every side alike.
 * Returns each side's samples in ns, by name.
 */
export async function sampleInterleaved(
  bench: string,
  sides: readonly (readonly [name: string, sample: Sample])[],
  opts: InterleaveOptions,
): Promise<Map<string, number[]>> {
  progress(`${bench}: warm-up (${opts.warmup} per side)`);
  for (const [, sample] of sides) for (let i = 0; i < opts.warmup; i++) await sample();

  progress(`${bench}: ${opts.iterations} per side, alternating in blocks of ${opts.block}`);
  const samples = new Map<string, number[]>(sides.map(([name]) => [name, []]));
  for (let done = 0, b = 0; done < opts.iterations; done += opts.block, b++) {
    const n = Math.min(opts.block, opts.iterations - done);
    for (let k = 0; k < sides.length; k++) {
      const [name, sample] = sides[(b + k) % sides.length]!;
      const into = samples.get(name)!;
      for (let i = 0; i < n; i++) into.push(await sample());
    }
  }
  return samples;
}
