import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Small statistics and timing helpers for the benchmarks. */

/** Nanoseconds since an arbitrary origin, as a number (precise to well under a microsecond over a run). */
export function nowNs(): number {
  return Number(process.hrtime.bigint());
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** Nearest-rank quantile (q in (0, 1]); the median of an even count is the mean of the middle two. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) throw new RangeError('no samples');
  const sorted = [...xs].sort((a, b) => a - b);
  if (q === 0.5 && sorted.length % 2 === 0) {
    const hi = sorted.length / 2;
    return (sorted[hi - 1]! + sorted[hi]!) / 2;
  }
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

/** Rounds a figure to 3 significant digits for printing. */
export function sig3(x: number): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(3));
}

/** Progress for a person: one short line on stderr. */
export function progress(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

/** A measurement: one JSON line on stdout. */
export function emit(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

/** A goal on the medians of a latency comparison. */
export interface LatencyGoal {
  readonly text: string;
  met(romhostMedian: number, ratio: number): boolean;
}

export interface Latency {
  readonly bench: string;
  readonly unit: string;
  /** Samples in `unit`. */
  readonly romhost: readonly number[];
  readonly baseline: readonly number[];
  readonly baselineName: string;
  readonly goals?: readonly LatencyGoal[];
  /** More fields, after the standard ones. */
  readonly extra?: Record<string, unknown>;
}

/**
 * The line of a latency comparison: medians, their ratio (romhost / baseline), the goals on them
 * (`goal_met` is all of them; `goal_met_each` when there are several), then both p99s.
 */
export function emitLatency(l: Latency): void {
  const x = median(l.romhost);
  const y = median(l.baseline);
  const goals = l.goals ?? [];
  const met = goals.map((g) => g.met(x, x / y));
  emit({
    bench: l.bench,
    unit: l.unit,
    romhost: sig3(x),
    baseline: sig3(y),
    baseline_name: l.baselineName,
    ratio: sig3(x / y),
    ...(goals.length === 0 ? {} : { goal: goals.map((g) => g.text).join('; '), goal_met: met.every(Boolean) }),
    ...(goals.length > 1 ? { goal_met_each: met } : {}),
    romhost_p99: sig3(quantile(l.romhost, 0.99)),
    baseline_p99: sig3(quantile(l.baseline, 0.99)),
    ...l.extra,
  });
}

/** A full collection, so that memory figures count what is live and not what awaits the collector. */
export function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}
