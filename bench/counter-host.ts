import type { Subscription } from 'rxjs';
import type { Host, Scenario } from '../host/index.js';

/**
 * The counter example on a host, as swap-pause and restart use it: the counter has counted
 * `COUNTED` distinct inputs, and a `Watch` sees what the host's sessions show of each change.
 */

/** Published before any measurement: the counter's count is their number. */
const INPUTS = ['1', '2', '3'];
export const COUNTED = INPUTS.length;

const decoder = new TextDecoder();
export const text = (bytes: Uint8Array | undefined): string => (bytes === undefined ? '(none)' : decoder.decode(bytes));

/** Applies `scenario` (the counter example, whichever counter component it names) and publishes the inputs. */
export async function startCounting(host: Host, scenario: Scenario): Promise<void> {
  const applied = await host.apply(scenario);
  if (applied.faults.length > 0) throw new Error(`the scenario faulted: ${JSON.stringify(applied.faults)}`);
  for (const input of INPUTS) await host.publish('input', input);
}

/** The counter's ROMs by local name as the host holds them, those that have a value, in route order. */
export function counterRoms(host: Host): Map<string, Uint8Array> {
  const roms = new Map<string, Uint8Array>();
  for (const [rom, source] of [['input', 'input/input'], ['state', 'counter/state']] as const) {
    const value = host.read(source);
    if (value !== undefined) roms.set(rom, value);
  }
  return roms;
}

/** Counts of what a host showed so far. */
export interface Seen {
  /** Values of `plus-one/out` on its ROM session (`host.rom$`), after the current one. */
  readonly outs: number;
  /** Changed reports of the child `counter` on `host.reports$`. */
  readonly counterReports: number;
}

/** Watches a host's `plus-one/out` ROM session and the counter's changed reports. */
export class Watch {
  #outs = -1;
  #counterReports = 0;
  #out = '(none)';
  readonly #subscriptions: Subscription[];

  constructor(host: Host) {
    this.#subscriptions = [
      host.rom$('plus-one/out').subscribe((value) => {
        this.#outs += 1;
        this.#out = text(value);
      }),
      host.reports$.subscribe((change) => {
        if (change.child === 'counter') this.#counterReports += 1;
      }),
    ];
  }

  get seen(): Seen {
    return { outs: this.#outs, counterReports: this.#counterReports };
  }

  /** Throws unless, since `before`, the counter reported and `plus-one/out` became `out`, once. */
  expectRouted(before: Seen, out: string, what: string): void {
    if (this.#counterReports === before.counterReports) throw new Error(`${what}: no counter report on reports$`);
    if (this.#outs !== before.outs + 1 || this.#out !== out) {
      throw new Error(`${what}: plus-one/out is ${this.#out} after ${this.#outs - before.outs} new values, expected ${out} once`);
    }
  }

  /** Throws unless, since `before`, nothing changed: the counter re-submitted what it had said. */
  expectQuiet(before: Seen, what: string): void {
    if (this.#counterReports !== before.counterReports || this.#outs !== before.outs) {
      throw new Error(`${what}: ${this.#counterReports - before.counterReports} counter reports, ${this.#outs - before.outs} new plus-one/out`);
    }
  }

  close(): void {
    for (const s of this.#subscriptions) s.unsubscribe();
  }
}
