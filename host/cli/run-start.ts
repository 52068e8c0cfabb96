import { loadScenario, planRestore, type Host, type HostOptions, type Scenario, type Snapshot, type Store } from '../index.js';

/** What a run applies first: a scenario, or a snapshot's restore on a host made with `resume`. */
export interface Start {
  /** The scenario's file, for messages. */
  readonly file: string;
  readonly resume?: NonNullable<HostOptions['resume']>;
  /** Applies it; resolves to the scenario applied. */
  apply(host: Host): Promise<Scenario>;
}

export function fromScenario(file: string): Start {
  return {
    file,
    async apply(host) {
      const scenario = await loadScenario(file);
      await host.apply(scenario);
      return scenario;
    },
  };
}

/** A snapshot's restore; a package or scenario given lends its components, and so does the store. */
export async function restoring(snapshot: Snapshot, given: string | undefined, store: Store | undefined): Promise<Start> {
  const lends = given === undefined ? {} : given.endsWith('.romhost') ? { package: given } : { scenario: await loadScenario(given) };
  const plan = await planRestore(snapshot, { ...lends, ...(store ? { store } : {}) });
  return { file: snapshot.scenario.file, resume: plan.resume, apply: async (host) => (await plan.apply(host), plan.scenario) };
}
