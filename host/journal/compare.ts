import type { Fault, ReportChange } from '../index.js';
import { equalBytes } from '../sessions/index.js';
import { decodeBytes, type Bytes, type CausedEntry, type EventEntry } from './format.js';
import { faultEntry, reportEntry } from './recorder.js';

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

/** What a replay heard of a step: the host's own report changes and faults, in the order they came. */
export type Heard = ReportChange | Fault;

/**
 * compareStep for what a replay heard. A step that went as recorded, in the same order (nearly
 * every one), is told so without building an entry or decoding a value; any other goes to
 * compareStep, which alone says how it differs. replay-throughput (bench/RESULTS.md) measures it.
 */
export function compareHeard(event: EventEntry, recorded: readonly CausedEntry[], heard: readonly Heard[]): Divergence | undefined {
  if (sameInOrder(recorded, heard)) return undefined;
  return compareStep(event, recorded, heard.map((h) => ('source' in h ? reportEntry(h) : faultEntry(h))));
}

/** The same report changes (by name and bytes) and faults (by code and message) in the same order: what compareStep finds no difference in. */
function sameInOrder(recorded: readonly CausedEntry[], heard: readonly Heard[]): boolean {
  let j = 0;
  for (const e of recorded) {
    if ('report' in e) {
      const h = heard[j++];
      if (h === undefined || !('source' in h) || h.source !== e.report || !sameBytes(e, h.content)) return false;
    } else if ('fault' in e) {
      const h = heard[j++];
      if (h === undefined || 'source' in h || h.code !== e.fault.code || h.message !== e.fault.message) return false;
    }
  }
  return j === heard.length;
}

/** A recorded value and bytes: ASCII text character by character, anything else decoded. */
function sameBytes(recorded: Bytes, bytes: Uint8Array): boolean {
  if (!('text' in recorded)) return equalBytes(decodeBytes(recorded), bytes);
  const text = recorded.text;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return equalBytes(decodeBytes(recorded), bytes);
    if (c !== bytes[i]) return false;
  }
  return text.length === bytes.length;
}
