import { dirname, relative, resolve } from 'node:path';
import { Subscription } from 'rxjs';
import type { Host, HostEvent } from '../index.js';
import { jsonFields } from '../json-value.js';
import type { CausedEntry, EventEntry, JournalEntry } from './format.js';

/**
 * Taps a host's streams and turns them into journal entries, in order: each step's event, then
 * what it caused. Some of what a step causes is said before the host announces the step's event
 * (a swap's first reports, the children an apply starts): it waits for its event.
 */
export class Recorder {
  readonly #subscriptions = new Subscription();
  #waiting: CausedEntry[] = [];
  #step = 0;

  /**
   * `folder` anchors the paths the journal records (the scenario's file, swapped-in components):
   * a journal names them relative to where it lies, so it can be moved along with them.
   */
  constructor(host: Host, private readonly write: (entry: JournalEntry) => void, private readonly folder: string = process.cwd()) {
    this.#subscriptions.add(host.events$.subscribe((e) => this.#event(e)));
    this.#subscriptions.add(host.reports$.subscribe(({ step, source, content }) => this.#caused({ step, report: source, ...jsonFields(content) })));
    this.#subscriptions.add(
      host.faults$.subscribe(({ step, child, code, message }) => this.#caused({ step, fault: { ...(child === undefined ? {} : { child }), code, message } })),
    );
    this.#subscriptions.add(
      host.lifecycle$.subscribe(({ step, child, action, component }) => this.#caused({ step, lifecycle: action, child, ...(component === undefined ? {} : { component }) })),
    );
  }

  stop(): void {
    this.#subscriptions.unsubscribe();
  }

  #event(e: HostEvent): void {
    this.#step = e.step;
    this.write(eventEntry(e, (file) => this.#path(file)));
    for (const caused of this.#waiting) this.write(caused);
    this.#waiting = [];
  }

  #caused(entry: CausedEntry): void {
    if (entry.step === this.#step) this.write(entry);
    else this.#waiting.push(entry);
  }

  #path(file: string): string {
    return relative(this.folder, resolve(file)).split('\\').join('/');
  }
}

/** The journal entry of a host event; `path` says how the journal names a file. */
export function eventEntry(e: HostEvent, path: (file: string) => string): EventEntry {
  switch (e.kind) {
    case 'apply':
      return { step: e.step, apply: { file: path(e.scenario.file), text: e.scenario.text, components: e.components } };
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
