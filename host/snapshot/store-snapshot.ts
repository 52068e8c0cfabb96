import { resolve } from 'node:path';
import { fail } from '../errors.js';
import type { JournalEntry } from '../journal/format.js';
import { parseScenario, type Scenario } from '../scenario/index.js';
import type { ChildStatus } from '../state/index.js';
import type { Store } from '../store/index.js';
import type { Snapshot } from './format.js';

/**
 * The snapshot of the run a store holds (a durable host's, stopped): its last step, every value,
 * the scenario its journal last applied, and its registered children, each with the status its
 * journal last gave it (the registry knows only hibernated or not; a kill is in the journal).
 * `folder` is the one the durable host's journal paths are relative to (its working directory,
 * unless `DurableOptions.folder` said otherwise). Nothing is started: no host runs it.
 */
export async function storeSnapshot(store: Store, folder: string = process.cwd()): Promise<Snapshot> {
  const step = await store.lastStep();
  if (step === 0) fail('snapshot-store-empty', { store: store.location });
  let apply: Extract<JournalEntry, { apply: unknown }>['apply'] | undefined;
  const statuses = new Map<string, ChildStatus>();
  for await (const entry of store.journal()) {
    if ('apply' in entry) apply = entry.apply;
    else if ('lifecycle' in entry) statuses.set(entry.child, statusAfter(entry.lifecycle));
  }
  if (apply === undefined) fail('snapshot-store-empty', { store: store.location });
  const scenario: Scenario = parseScenario(apply.text, resolve(folder, apply.file));
  const children: Record<string, { component: string; status: ChildStatus }> = {};
  for await (const [name, child] of store.children()) {
    children[name] = { component: child.component, status: child.hibernated ? 'hibernated' : (statuses.get(name) ?? 'running') };
  }
  const values: (readonly [string, Uint8Array])[] = [];
  for await (const value of store.values()) values.push(value);
  return { step, scenario, components: apply.components, children, values };
}

/** A child's status after a lifecycle entry: down after a stop or a quarantine, up after anything else. */
function statusAfter(action: string): ChildStatus {
  return action === 'stopped' ? 'stopped' : action === 'quarantined' ? 'quarantined' : action === 'hibernated' ? 'hibernated' : 'running';
}
