import { dirname, relative, resolve } from 'node:path';
import { Subscription } from 'rxjs';
import type { Fault, Host, HostEvent, LifecycleEvent, ReportChange, Scenario } from '../index.js';
import { jsonFields } from '../json-value.js';
import type { CausedEntry, EventEntry, JournalEntry } from './format.js';

/** What a recording hears of a host: each step's event, then what the step caused, in that order. */
export interface Tap {
  event(e: HostEvent): void;
  report(change: ReportChange): void;
  fault(fault: Fault): void;
  lifecycle(e: LifecycleEvent): void;
}

/**
 * Subscribes `tap` to a host's streams, in journal order. Some of what a step causes is said
 * before the host announces the step's event (a swap's first reports, the children an apply
 * starts): it waits for its event. Unsubscribe the result to stop.
 */
export function tapHost(host: Host, tap: Tap): Subscription {
  let step = 0;
  let waiting: (() => void)[] = [];
  // Most of what a step causes comes after its event: passed on at once, with no closure.
  const caused = <T extends { readonly step: number }>(hear: (x: T) => void) => (x: T) => (x.step === step ? hear(x) : waiting.push(() => hear(x)));
  const subscriptions = new Subscription();
  subscriptions.add(
    host.events$.subscribe((e) => {
      step = e.step;
      tap.event(e);
      const due = waiting;
      waiting = [];
      for (const hear of due) hear();
    }),
  );
  subscriptions.add(host.reports$.subscribe(caused((c: ReportChange) => tap.report(c))));
  subscriptions.add(host.faults$.subscribe(caused((f: Fault) => tap.fault(f))));
  subscriptions.add(host.lifecycle$.subscribe(caused((e: LifecycleEvent) => tap.lifecycle(e))));
  return subscriptions;
}

/** Taps a host's streams and turns them into journal entries, in order: each step's event, then what it caused. */
export class Recorder {
  readonly #subscription: Subscription;

  /**
   * `folder` anchors the paths the journal records (the scenario's file, swapped-in components):
   * a journal names them relative to where it lies, so it can be moved along with them.
   */
  constructor(host: Host, write: (entry: JournalEntry) => void, folder: string = process.cwd()) {
    const path = journalPath(folder);
    this.#subscription = tapHost(host, {
      event: (e) => write(eventEntry(e, path)),
      report: (c) => write(reportEntry(c)),
      fault: (f) => write(faultEntry(f)),
      lifecycle: (e) => write(lifecycleEntry(e)),
    });
  }

  stop(): void {
    this.#subscription.unsubscribe();
  }
}

/** How a journal in `folder` names a file: relative to the folder, with `/`. */
export const journalPath =
  (folder: string) =>
  (file: string): string =>
    relative(folder, resolve(file)).split('\\').join('/');

export const reportEntry = ({ step, source, content }: ReportChange): CausedEntry => ({ step, report: source, ...jsonFields(content) });
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
export function eventEntry(e: HostEvent, path: (file: string) => string): EventEntry {
  switch (e.kind) {
    case 'apply':
      return { step: e.step, apply: { file: path(e.scenario.file), text: e.scenario.text, components: e.components, ...subsystemFiles(e.scenario, path) } };
    case 'publish':
      return { step: e.step, input: e.source, ...jsonFields(e.content) };
    case 'kill':
      return { step: e.step, kill: e.child };
    case 'restart':
      return { step: e.step, restart: e.child };
    case 'hibernate':
      return { step: e.step, hibernate: e.child };
    case 'swap':
      return { step: e.step, swap: e.child, component: e.component, path: e.path === undefined ? null : path(e.path) };
  }
}

/** Where a journal written to `file` anchors its paths. */
export const journalFolder = (file: string): string => dirname(resolve(file));
