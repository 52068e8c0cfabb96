import { dirname, relative, resolve } from 'node:path';
import type { Fault, Host, HostEvent, HostTap, LifecycleEvent, Scenario } from '../index.js';
import { jsonFields } from '../json-value.js';
import type { CausedEntry, EventEntry, JournalEntry } from './format.js';

/**
 * What a recording hears of a host: each step's event, then what the step caused, in that order.
 * The host's own `HostTap` (Host.tap): calls with the step and the values, no object per report.
 */
export type Tap = HostTap;
/** An accepted event as a tap hears it: a `HostEvent` without its step, which comes beside it. */
export type Accepted = Parameters<Tap['event']>[1];

/**
 * Taps a host in journal order. Some of what a step causes is told before the host tells of the
 * step's event (a swap's first reports, the children an apply starts): it waits for its event.
 * Call the result to stop.
 */
export function tapHost(host: Host, tap: Tap): () => void {
  let step = 0;
  let waiting: (() => void)[] = [];
  return host.tap({
    event: (at, e) => {
      step = at;
      tap.event(at, e);
      if (waiting.length === 0) return;
      const due = waiting;
      waiting = [];
      for (const hear of due) hear();
    },
    // Most of what a step causes comes after its event: passed on at once, with no closure.
    report: (at, source, content) => (at === step ? tap.report(at, source, content) : void waiting.push(() => tap.report(at, source, content))),
    fault: (f) => (f.step === step ? tap.fault(f) : void waiting.push(() => tap.fault(f))),
    lifecycle: (e) => (e.step === step ? tap.lifecycle(e) : void waiting.push(() => tap.lifecycle(e))),
  });
}

/** Taps a host and turns what it hears into journal entries, in order: each step's event, then what it caused. */
export class Recorder {
  readonly #stop: () => void;

  /**
   * `folder` anchors the paths the journal records (the scenario's file, swapped-in components):
   * a journal names them relative to where it lies, so it can be moved along with them.
   */
  constructor(host: Host, write: (entry: JournalEntry) => void, folder: string = process.cwd()) {
    const path = journalPath(folder);
    this.#stop = tapHost(host, {
      event: (step, e) => write(acceptedEntry(step, e, path)),
      report: (step, source, content) => write(reportEntry(step, source, content)),
      fault: (f) => write(faultEntry(f)),
      lifecycle: (e) => write(lifecycleEntry(e)),
    });
  }

  stop(): void {
    this.#stop();
  }
}

/** How a journal in `folder` names a file: relative to the folder, with `/`. */
export const journalPath =
  (folder: string) =>
  (file: string): string =>
    relative(folder, resolve(file)).split('\\').join('/');

export const reportEntry = (step: number, source: string, content: Uint8Array): CausedEntry => ({ step, report: source, ...jsonFields(content) });
export const faultEntry = ({ step, child, code, message }: Fault): CausedEntry => ({ step, fault: { ...(child === undefined ? {} : { child }), code, message } });
export const lifecycleEntry = ({ step, child, action, component }: LifecycleEvent): CausedEntry => ({
  step,
  lifecycle: action,
  child,
  ...(component === undefined ? {} : { component }),
});

/** A scenario's subsystems as an apply entry names them, when it has any. */
function subsystemFiles(scenario: Scenario, path: (file: string) => string): { subsystems?: Record<string, { file: string; text: string }> } {
  if (scenario.subsystems.length === 0) return {};
  return { subsystems: Object.fromEntries(scenario.subsystems.map((s) => [s.name, { file: path(s.file), text: s.text }])) };
}

/** The journal entry of a host event; `path` says how the journal names a file. */
export const eventEntry = (e: HostEvent, path: (file: string) => string): EventEntry => acceptedEntry(e.step, e, path);

/** The journal entry of the event of `step`, as a tap hears it. */
export function acceptedEntry(step: number, e: Accepted, path: (file: string) => string): EventEntry {
  switch (e.kind) {
    case 'apply':
      return { step, apply: { file: path(e.scenario.file), text: e.scenario.text, components: e.components, ...subsystemFiles(e.scenario, path) } };
    case 'publish':
      return { step, input: e.source, ...jsonFields(e.content) };
    case 'kill':
      return { step, kill: e.child };
    case 'restart':
      return { step, restart: e.child };
    case 'hibernate':
      return { step, hibernate: e.child };
    case 'swap':
      return { step, swap: e.child, component: e.component, path: e.path === undefined ? null : path(e.path) };
  }
}

/** Where a journal written to `file` anchors its paths. */
export const journalFolder = (file: string): string => dirname(resolve(file));
