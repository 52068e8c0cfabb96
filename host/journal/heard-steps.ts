import type { Fault, HostTap } from '../index.js';
import type { CausedEntry } from './format.js';
import type { PackedSteps } from './packed-steps.js';
import { packedSteps, type JournalStep } from './read-journal.js';
import { faultEntry, reportEntry } from './recorder.js';

/**
 * What a replay's host tells of its steps (a HostTap: each event and what it caused), compared with
 * the recording as it is told. The host's steps are the recorded ones, in order, one at a time;
 * what a step causes before its event is told (an apply's first reports) begins it all the same.
 * A step that goes as recorded, the same report changes and faults in the same order (nearly
 * every one), costs a comparison of each value's bytes with the recording's, packed for it
 * (PackedSteps), and leaves nothing behind: no object per report. One that goes otherwise is
 * kept as entries for `compareStep`, which alone says how it differs (or that only the order did).
 * replay-throughput (bench/RESULTS.md) measures it.
 */
export class HeardSteps implements HostTap {
  /** The host's number of the step under way: 0 before the first. */
  #step = 0;
  /** Its place among the recorded steps: -1 before the first. */
  #at = -1;
  /** Its recorded items (PackedSteps): the first, the next one not yet matched, and the first after its last. */
  #first = 0;
  #next = 0;
  #end = 0;
  /** What it caused, once that differs from the recording. */
  #kept: CausedEntry[] | undefined;

  readonly #steps: readonly JournalStep[];
  readonly #packed: PackedSteps;

  constructor(steps: readonly JournalStep[]) {
    this.#steps = steps;
    this.#packed = packedSteps(steps);
  }

  /**
   * Once the step under way has run: what it caused, as entries, when that may differ from the
   * recording (it told other reports or faults, or fewer); undefined when it went as recorded.
   */
  end(): readonly CausedEntry[] | undefined {
    if (this.#kept === undefined && this.#due() < this.#end) this.#keep();
    return this.#kept;
  }

  event(step: number): void {
    if (step !== this.#step) this.#begin(step);
  }

  report(step: number, source: string, content: Uint8Array): void {
    if (step !== this.#step) this.#begin(step);
    if (this.#kept === undefined) {
      const at = this.#due();
      if (at < this.#end && this.#packed.isReport(at, source, content)) {
        this.#next = at + 1;
        return;
      }
    }
    this.#keep().push(reportEntry(step, source, content));
  }

  fault(fault: Fault): void {
    if (fault.step !== this.#step) this.#begin(fault.step);
    if (this.#kept === undefined) {
      const at = this.#due();
      const e = at < this.#end ? this.#packed.entry(at, fault.step) : undefined;
      if (e !== undefined && 'fault' in e && e.fault.code === fault.code && e.fault.message === fault.message) {
        this.#next = at + 1;
        return;
      }
    }
    this.#keep().push(faultEntry(fault));
  }

  /** Lifecycle entries follow from the reports and faults, and are not compared. */
  lifecycle(): void {}

  /** The host's step `step` is under way: the next recorded one (past the recording, one that caused nothing). */
  #begin(step: number): void {
    this.#step = step;
    this.#at += 1;
    this.#first = this.#next = this.#packed.first(this.#at);
    this.#end = this.#packed.end(this.#at);
    this.#kept = undefined;
  }

  /** The recorded item the next report or fault should be: lifecycle items, not compared, are passed over. */
  #due(): number {
    let at = this.#next;
    while (at < this.#end && this.#packed.isLifecycle(at)) at++;
    return at;
  }

  /** The step differs: what it told so far is what the recording has before `#next`; the rest is kept as it comes. */
  #keep(): CausedEntry[] {
    const step = this.#steps[this.#at]?.event.step ?? this.#step;
    return (this.#kept ??= this.#packed
      .entries(this.#at, step)
      .slice(0, this.#next - this.#first)
      .filter((e) => !('lifecycle' in e)));
  }
}
