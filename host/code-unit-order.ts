/**
 * Code-unit order, never locale order: names sort the same on every machine, which is what
 * deterministic routing, fan-out and state need (DESIGN §3.2).
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
