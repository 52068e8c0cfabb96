/**
 * Delta debugging (Zeller and Hildebrandt, "Simplifying and Isolating Failure-Inducing Input",
 * 2002): the `ddmin` algorithm, which shrinks a sequence that makes a test fail to one that still
 * does and from which no single element can be removed (1-minimal). `romhost bisect` shrinks the
 * inputs before a divergence with it.
 */

export interface DdminOptions {
  /**
   * Most subsequences to test. Past it the search stops with the smallest failing subsequence
   * found so far: still a reproduction, perhaps not a minimal one.
   */
  readonly maxTests?: number;
  /** Hears of each test run: how many so far, and the size of the smallest failing subsequence. */
  readonly onTest?: (tests: number, size: number) => void;
}

export interface DdminResult<T> {
  /** The failing subsequence: in the order of the input, a subset of it. */
  readonly items: readonly T[];
  /** Subsequences tested (each at most once: results are remembered). */
  readonly tests: number;
  /** True when no single element of `items` can be removed; false when `maxTests` stopped the search first. */
  readonly minimal: boolean;
}

/**
 * A 1-minimal subsequence of `items` for which `fails` holds, given that it holds for `items`
 * itself (not tested again). The empty sequence is tried first: when nothing is needed, that is
 * found in one test. Then `items` is split into n chunks (n = 2 at first); a chunk that fails on
 * its own, else a complement (all but one chunk) that fails, becomes the new sequence; when
 * neither does, n doubles, up to single elements. Deterministic: the same `fails` gives the same
 * result.
 */
export async function ddmin<T>(items: readonly T[], fails: (subsequence: readonly T[]) => Promise<boolean>, options: DdminOptions = {}): Promise<DdminResult<T>> {
  const maxTests = options.maxTests ?? Number.POSITIVE_INFINITY;
  // Positions into `items`, ascending: subsequences are compared and remembered by them.
  let current = items.map((_, i) => i);
  const known = new Map<string, boolean>();
  let tests = 0;
  const test = async (positions: readonly number[]): Promise<boolean | undefined> => {
    const key = positions.join(',');
    const seen = known.get(key);
    if (seen !== undefined) return seen;
    if (tests >= maxTests) return undefined;
    tests += 1;
    const result = await fails(positions.map((i) => items[i]!));
    known.set(key, result);
    options.onTest?.(tests, result ? positions.length : current.length);
    return result;
  };
  const done = (minimal: boolean): DdminResult<T> => ({ items: current.map((i) => items[i]!), tests, minimal });

  if (current.length === 0) return done(true);
  const none = await test([]);
  if (none === undefined) return done(false);
  if (none) {
    current = [];
    return done(true);
  }
  let n = 2;
  while (current.length >= 2) {
    const chunks = split(current, n);
    let next: number[] | undefined;
    let nextN = n;
    for (const chunk of chunks) {
      const r = await test(chunk);
      if (r === undefined) return done(false);
      if (r) {
        next = chunk;
        nextN = 2;
        break;
      }
    }
    // With two chunks each complement is the other chunk, tested already.
    if (!next && n > 2) {
      for (let i = 0; i < chunks.length; i++) {
        const complement = chunks.filter((_, j) => j !== i).flat();
        const r = await test(complement);
        if (r === undefined) return done(false);
        if (r) {
          next = complement;
          nextN = Math.max(n - 1, 2);
          break;
        }
      }
    }
    if (next) {
      current = next;
      n = nextN;
    } else if (n >= current.length) {
      // Every single element was removed once (a complement of one) and none could go.
      break;
    } else {
      n = Math.min(current.length, n * 2);
    }
  }
  return done(true);
}

/** `positions` in `n` consecutive chunks of nearly equal length (the longer ones last), none empty for n ≤ length. */
function split(positions: readonly number[], n: number): number[][] {
  const chunks: number[][] = [];
  for (let i = 0; i < n; i++) chunks.push(positions.slice(Math.floor((i * positions.length) / n), Math.floor(((i + 1) * positions.length) / n)));
  return chunks;
}
