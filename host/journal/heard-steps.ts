import type { Fault } from '../index.js';
import { equalBytes } from '../sessions/index.js';
import { decodeBytes, type Bytes, type CausedEntry } from './format.js';
import type { JournalStep } from './read-journal.js';
import { faultEntry, reportEntry, type Tap } from './recorder.js';

/**
 * What a replay's host tells of its steps (a Tap, through tapHost: each event, then what it
 * caused), compared with the recording as it is told. The host's steps are the recorded ones, in
 * order, one at a time. A step that goes as recorded, the same report changes and faults in the
 * same order (nearly every one), costs a comparison of each value's bytes with the recorded text
 * and leaves nothing behind: no object per report, nothing decoded. One that goes otherwise is
 * kept as entries for `compareStep`, which alone says how it differs (or that only the order did).
 * replay-throughput (bench/RESULTS.md) measures it.
 */
export class HeardSteps implements Tap {
  /** The recorded step under way: -1 before the first event is told. */
  #at = -1;
  /** Its recorded entries. */
  #caused: readonly CausedEntry[] = [];
  /** Where its next report or fault should be among them. */
  #next = 0;
  /** What it caused, once that differs from the recording. */
  #kept: CausedEntry[] | undefined;

  constructor(private readonly steps: readonly JournalStep[]) {}

  /**
   * Once the step under way has run: what it caused, as entries, when that may differ from the
   * recording (it told other reports or faults, or fewer); undefined when it went as recorded.
   */
  end(): readonly CausedEntry[] | undefined {
    if (this.#kept === undefined && this.#skipLifecycle(this.#next) < this.#caused.length) this.#keep();
    return this.#kept;
  }

  event(): void {
    this.#at += 1;
    // The host runs no event the replay did not give it: none past the recording.
    this.#caused = this.steps[this.#at]?.caused ?? [];
    this.#next = 0;
    this.#kept = undefined;
  }

  report(step: number, source: string, content: Uint8Array): void {
    if (this.#kept === undefined) {
      const at = this.#skipLifecycle(this.#next);
      const e = this.#caused[at];
      if (e !== undefined && 'report' in e && e.report === source && sameBytes(e, content)) {
        this.#next = at + 1;
        return;
      }
    }
    this.#keep().push(reportEntry(step, source, content));
  }

  fault(fault: Fault): void {
    if (this.#kept === undefined) {
      const at = this.#skipLifecycle(this.#next);
      const e = this.#caused[at];
      if (e !== undefined && 'fault' in e && e.fault.code === fault.code && e.fault.message === fault.message) {
        this.#next = at + 1;
        return;
      }
    }
    this.#keep().push(faultEntry(fault));
  }

  /** Lifecycle entries follow from the reports and faults, and are not compared. */
  lifecycle(): void {}

  /** From `at` on, the first of the step's recorded entries that is no lifecycle entry. */
  #skipLifecycle(at: number): number {
    const caused = this.#caused;
    while (at < caused.length && 'lifecycle' in caused[at]!) at++;
    return at;
  }

  /** The step differs: what it told so far is what the recording has up to `#next`; the rest is kept as it comes. */
  #keep(): CausedEntry[] {
    return (this.#kept ??= this.#caused.slice(0, this.#next).filter((e) => !('lifecycle' in e)));
  }
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
