/**
 * "Did you mean" for misspelt names: the candidate closest to `wanted` by edit distance (with
 * transpositions, so `fule` finds `fuel`), if it is close enough to be a likely typo.
 * Deterministic: ties go to the first candidate in string order.
 */
import { compareCodeUnits } from '../code-unit-order.js';
export function nearestName(wanted: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of [...candidates].sort(compareCodeUnits)) {
    if (candidate === wanted) continue;
    const distance = editDistance(wanted, candidate);
    const tolerated = Math.max(1, Math.floor(0.4 * Math.max(wanted.length, candidate.length)));
    if (distance <= tolerated && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** ` (did you mean "x"?)` or nothing: the tail every message with a suggestion ends in. */
export function didYouMean(wanted: string, candidates: Iterable<string>): string {
  const nearest = nearestName(wanted, candidates);
  return nearest === undefined ? '' : ` (did you mean "${nearest}"?)`;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  // rows[i][j] = distance between a[0..i) and b[0..j)
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] ?? [];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, at(i - 2, j - 2) + 1);
      row[j] = d;
    }
  }
  return at(a.length, b.length);
}
