import { dirname } from 'node:path';
import { fail } from '../errors.js';
import { createHost, type Host, type HostOptions } from '../host.js';
import { isFamily, type Scenario } from '../scenario/index.js';
import type { Store } from '../store/index.js';
import { packageShelf, scenarioShelf, storeShelf, type ComponentShelf } from './component-shelves.js';
import type { Snapshot } from './format.js';
import { restoredScenario, snapshotLabel } from './restored-scenario.js';

/** Where a restore finds the snapshot's components, by SHA-256, besides the files its scenario names. */
export interface RestoreOptions {
  /** A package (`NAME.romhost`) whose components serve, asked first. */
  readonly package?: string;
  /** A store whose component bytes serve (`Store.component`), asked next. */
  readonly store?: Store;
  /** A scenario whose component files serve (a checkout of the snapshot's scenario elsewhere), asked next. */
  readonly scenario?: Scenario;
}

/** A restore with its components found: the host to make, then what to run on it. */
export interface RestorePlan {
  /** `HostOptions.resume` of the host to restore into: the snapshot's step and values. */
  readonly resume: NonNullable<HostOptions['resume']>;
  /** The snapshot's scenario, each component at a file found by its hash, each swapped child on its own entry. */
  readonly scenario: Scenario;
  /** Applies the scenario to `host` (made with `resume`, whose `down` keeps the children that were stopped or hibernating so), and checks every child's component. */
  apply(host: Host): Promise<void>;
}

/**
 * The components of `snapshot` (`host.snapshot()` or `readSnapshot(file)`) found by their SHA-256:
 * in the package, the store, the given scenario's files, then the files the snapshot's own
 * scenario names, each only when its bytes hash the same. Fails naming the component, its hash and every place looked in when none
 * has it. For a host of your own making (a durable one: `openDurableHost(store, { resume })`);
 * `restoreHost` does it all for a plain one.
 */
export async function planRestore(snapshot: Snapshot, options: RestoreOptions = {}): Promise<RestorePlan> {
  const shelves: ComponentShelf[] = [];
  if (options.package !== undefined) shelves.push(await packageShelf(options.package));
  if (options.store) shelves.push(storeShelf(options.store));
  if (options.scenario) shelves.push(scenarioShelf(options.scenario, `the component files of ${options.scenario.file}`));
  shelves.push(scenarioShelf(snapshot.scenario, `the component files its scenario names (beside ${dirname(snapshot.scenario.file)})`));
  const scenario = await restoredScenario(snapshot, shelves);
  const plan = { step: snapshot.step, values: snapshot.values, down: downChildren(snapshot) };
  return {
    resume: plan,
    scenario,
    async apply(host) {
      await host.apply(scenario);
      verify(host, snapshot);
      // A family member is no child of the scenario, which `down` could create stopped: it is killed again.
      for (const [name, status] of Object.entries(plan.down)) if (status === 'stopped' && !host.state.children[name]) await host.kill(name);
    },
  };
}

/**
 * A new host in the state of `snapshot`: its sources hold the snapshot's values from its step on,
 * and the snapshot's scenario is applied, each child on the component it ran; the children that
 * were stopped or quarantined are made stopped and those that were hibernating hibernating, none
 * of them started (a killed family member is killed again, in a step of its own). A pure component
 * started on its ROMs reports what it reported before, so nothing downstream changes, and the next
 * input gives the reports of the host that never moved. The apply is a step of the restored host
 * (docs/snapshot.md). `host` are its other options.
 */
export async function restoreHost(snapshot: Snapshot, options: RestoreOptions & { readonly host?: Omit<HostOptions, 'resume'> } = {}): Promise<Host> {
  const plan = await planRestore(snapshot, options);
  const host = createHost({ ...options.host, resume: plan.resume });
  try {
    await plan.apply(host);
    return host;
  } catch (e) {
    await host.close();
    throw e;
  }
}

/** The static children that were down (stopped, or quarantined: down until restarted by hand) or hibernating. */
function downChildren(snapshot: Snapshot): Record<string, 'stopped' | 'hibernated'> {
  const down: Record<string, 'stopped' | 'hibernated'> = {};
  for (const [name, { status }] of Object.entries(snapshot.children)) {
    if (status === 'stopped' || status === 'quarantined') down[name] = 'stopped';
    else if (status === 'hibernated') down[name] = 'hibernated';
  }
  return down;
}

/**
 * Every child runs the component the snapshot says, as the engine hashed what it loaded: the
 * shelves checked each file's hash before, and this catches a file changed in between.
 */
function verify(host: Host, snapshot: Snapshot): void {
  for (const spec of snapshot.scenario.children) {
    const expected = snapshot.children[spec.name]?.component ?? snapshot.components[spec.component]!;
    const found = isFamily(spec.name) ? host.state.families?.[spec.name]?.component : host.state.children[spec.name]?.component;
    if (found !== undefined && found !== expected) fail('snapshot-component-mismatch', { file: snapshotLabel(snapshot), child: spec.name, expected, found });
  }
}
