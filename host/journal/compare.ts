import { equalBytes } from '../sessions/index.js';
import { decodeBytes, type CausedEntry, type EventEntry } from './format.js';

/** Where a replay first differs from its recording. */
export interface Divergence {
  readonly step: number;
  /** The recorded event of that step: the input (or command) that caused it. */
  readonly event: EventEntry;
  readonly kind: 'report' | 'fault' | 'event';
  /** `CHILD/REPORT`, for a report. */
  readonly report?: string;
  readonly child?: string;
  /** The values of that report the step produced, in order: recorded, then replayed (empty: no change). */
  readonly recorded?: readonly Uint8Array[];
  readonly replayed?: readonly Uint8Array[];
  /** A fault or failed event: what the recording said, and what the replay said. */
  readonly recordedText?: string;
  readonly replayedText?: string;
}

/**
 * Compares what one step caused in a recording and in a replay: for every report, the values it
 * took in that step, in order (reports in the order the recording changed them, then any only the
 * replay changed); then the faults, in order. The order *between* reports is not compared: two
 * implementations may submit the same reports in another order. Lifecycle entries follow from
 * these and are not compared.
 */
export function compareStep(event: EventEntry, recorded: readonly CausedEntry[], replayed: readonly CausedEntry[]): Divergence | undefined {
  const a = reportValues(recorded);
  const b = reportValues(replayed);
  for (const report of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(report) ?? [];
    const y = b.get(report) ?? [];
    if (x.length !== y.length || x.some((v, i) => !equalBytes(v, y[i]!))) {
      return { step: event.step, event, kind: 'report', report, child: report.slice(0, report.indexOf('/')), recorded: x, replayed: y };
    }
  }
  const fa = faults(recorded);
  const fb = faults(replayed);
  for (let i = 0; i < Math.max(fa.length, fb.length); i++) {
    if (fa[i]?.text !== fb[i]?.text) {
      const child = fa[i]?.child ?? fb[i]?.child;
      return { step: event.step, event, kind: 'fault', ...(child === undefined ? {} : { child }), recordedText: fa[i]?.text ?? 'no fault', replayedText: fb[i]?.text ?? 'no fault' };
    }
  }
  return undefined;
}

function reportValues(entries: readonly CausedEntry[]): Map<string, Uint8Array[]> {
  const values = new Map<string, Uint8Array[]>();
  for (const e of entries) if ('report' in e) values.set(e.report, [...(values.get(e.report) ?? []), decodeBytes(e)]);
  return values;
}

function faults(entries: readonly CausedEntry[]): { child: string | undefined; text: string }[] {
  return entries.flatMap((e) => ('fault' in e ? [{ child: e.fault.child, text: `${e.fault.code}: ${e.fault.message}` }] : []));
}
