import { readFile } from 'node:fs/promises';
import type { Subscription } from 'rxjs';
import { fail } from '../errors.js';
import { createHost, type Host, type HostOptions } from '../host.js';
import { Recorder, type JournalEntry } from '../journal/index.js';
import type { ChildState } from '../state/index.js';
import { sha256 } from './memory-store.js';
import { StoreWriter } from './store-writer.js';
import type { Store, StoredChild } from './store.js';

/** Where a host on a store took up again: the store's last step and how many commands it had accepted. */
export interface Resumed {
  readonly step: number;
  /** Inputs and commands accepted over the store's life (scenario applies not counted): a client resends from the next. */
  readonly accepted: number;
}

export interface DurableHost {
  readonly host: Host;
  readonly store: Store;
  /** Undefined when the store was empty: a fresh run. */
  readonly resumed: Resumed | undefined;
  /** Closes the host and waits until everything it did is durable; the store stays open (its opener closes it). */
  close(): Promise<void>;
}

export interface DurableOptions extends Omit<HostOptions, 'durable'> {
  /** Paths in the stored journal (a scenario's file, a swapped-in component) are relative to this folder; the current directory by default. */
  readonly folder?: string;
  /**
   * Where another host left off (a snapshot restored, host/snapshot): only into a store that holds
   * no run. Every value is written to the store first, so that the run kept from here on resumes
   * with all of them, not only those its steps change.
   */
  readonly resume?: NonNullable<HostOptions['resume']>;
}

/**
 * A host whose every step is kept in `store` (DESIGN §3.7, §7): the step's journal entries, the
 * values it changed and the children it (re)registered, written together in one batch after the
 * step; several steps that end while a write is under way go in the next one (group commit).
 * Every promise the host returns resolves only once its step is durable: that is the
 * acknowledgement. A store that holds an earlier run is resumed: the host starts at its last step
 * with every source's value, so the children of the first `apply` start where they left off, and
 * nothing is recomputed from the journal.
 */
export async function openDurableHost(store: Store, options: DurableOptions = {}): Promise<DurableHost> {
  const { folder, resume: given, ...hostOptions } = options;
  // Read twice (into the store, into the host): an iterable may not give its values again.
  const from = given && { ...given, values: [...given.values] };
  const step = await store.lastStep();
  if (from && step > 0) fail('snapshot-store-holds-run', { store: store.location, step });
  const accepted = await store.accepted();
  const values: [string, Uint8Array][] = [];
  if (step > 0) for await (const entry of store.values()) values.push([entry[0], entry[1]]);
  else if (from) await store.write({ values: new Map(from.values) });
  const writer = new StoreWriter(store);
  const resume = step > 0 ? { step, values } : from;
  const host = createHost({
    ...hostOptions,
    ...(resume ? { resume } : {}),
    durable: (s) => writer.durable(s),
  });
  const tap = tapBatches(host, writer, accepted, folder);
  return {
    host,
    store,
    resumed: step > 0 ? { step, accepted } : undefined,
    async close() {
      await host.close();
      tap.stop();
      await writer.idle();
    },
  };
}

/** Feeds the writer what each step did, as it happens: journal entries, changed values, changed children. */
function tapBatches(host: Host, writer: StoreWriter, accepted: number, folder?: string): { stop(): void } {
  const recorder = new Recorder(
    host,
    (entry: JournalEntry) => {
      if (isCommand(entry)) writer.accepted(++accepted);
      writer.journal(entry);
    },
    folder,
  );
  const subscriptions: Subscription[] = [host.values$.subscribe(({ source, content }) => writer.value(source, content))];
  // The store keeps the bytes of every component a step ran, by hash: what its registry and journal name.
  subscriptions.push(
    host.events$.subscribe((e) => {
      if (e.kind === 'apply') for (const ref of Object.values(e.scenario.components)) writer.component(readComponent(ref.path, e.components[ref.name]!));
      else if (e.kind === 'swap' && e.path !== undefined) writer.component(readComponent(e.path, e.component));
    }),
  );
  // The registry follows host/state's children: immer keeps an unchanged child's object, so a step
  // that changed none costs one comparison of the record, and one that did, a pass over it.
  let registered: Readonly<Record<string, ChildState>> = {};
  subscriptions.push(
    host.state$.subscribe(({ children }) => {
      if (children === registered) return;
      for (const name in registered) if (!(name in children)) writer.child(name, null);
      for (const [name, child] of Object.entries(children)) {
        const before = registered[name];
        if (before === undefined || before.component !== child.component || (before.status === 'hibernated') !== (child.status === 'hibernated')) {
          writer.child(name, storedChild(child));
        }
      }
      registered = children;
    }),
  );
  return {
    stop() {
      recorder.stop();
      for (const s of subscriptions) s.unsubscribe();
    },
  };
}

/** A component's bytes from its file, if they are still those the host loaded (an edited file is not what ran). */
async function readComponent(path: string, hash: string): Promise<Uint8Array | undefined> {
  const bytes = await readFile(path).catch(() => undefined);
  return bytes && sha256(bytes) === hash ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : undefined;
}

const storedChild = (child: ChildState): StoredChild => ({ component: child.component, hibernated: child.status === 'hibernated' });

/** An accepted input or lifecycle command: every event a client sends, which `accepted` counts. */
function isCommand(entry: JournalEntry): boolean {
  return 'input' in entry || 'kill' in entry || 'restart' in entry || 'hibernate' in entry || 'swap' in entry;
}
