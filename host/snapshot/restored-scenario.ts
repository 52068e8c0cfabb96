import { fail } from '../errors.js';
import type { ComponentRef, Scenario } from '../scenario/index.js';
import type { Snapshot } from './format.js';
import type { ComponentShelf } from './component-shelves.js';

/** How messages name a snapshot: its file, or the step of one taken in this process. */
export const snapshotLabel = (snapshot: Snapshot): string => snapshot.file ?? `of step ${snapshot.step}`;

/**
 * The snapshot's scenario with every component at a file found on the shelves by its SHA-256,
 * and each child that had been swapped live on its own entry for the component it ran (as
 * `romhost replay --swap` does): so the apply starts every child on what it ran before. Starting it
 * on the scenario's component and swapping afterwards would route that component's reports for a
 * moment, and a child that keeps state could keep them. Fails naming the component, its hash and
 * every shelf asked when none has it.
 */
export async function restoredScenario(snapshot: Snapshot, shelves: readonly ComponentShelf[]): Promise<Scenario> {
  const { scenario } = snapshot;
  const located = new Map<string, Promise<string>>();
  const locate = (name: string, hash: string): Promise<string> => {
    let path = located.get(hash);
    if (path === undefined) located.set(hash, (path = find(snapshot, shelves, name, hash)));
    return path;
  };
  const components: Record<string, ComponentRef> = {};
  for (const ref of Object.values(scenario.components)) components[ref.name] = { ...ref, path: await locate(ref.name, snapshot.components[ref.name]!) };
  const children = [];
  for (const spec of scenario.children) {
    const ran = snapshot.children[spec.name]?.component;
    if (ran === undefined || ran === snapshot.components[spec.component]) {
      children.push(spec);
      continue;
    }
    const name = `${spec.name} (swapped)`;
    components[name] = { name, path: await locate(name, ran), line: 0 };
    children.push({ ...spec, component: name });
  }
  return { ...scenario, components, children };
}

async function find(snapshot: Snapshot, shelves: readonly ComponentShelf[], name: string, hash: string): Promise<string> {
  for (const shelf of shelves) {
    const path = await shelf.find(hash);
    if (path !== undefined) return path;
  }
  return fail('snapshot-component-missing', { file: snapshotLabel(snapshot), name, sha256: hash, looked: shelves.map((s) => s.where) });
}
