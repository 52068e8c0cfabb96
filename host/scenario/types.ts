/**
 * A scenario after validation: what the host runs. Produced by `parseScenario` / `loadScenario`
 * from the YAML format (see docs/scenario.md); every name in it has been checked, every route
 * resolves, and component paths are absolute.
 */

/** Where a child's local ROM gets its value. */
export type RomSource =
  | { readonly kind: 'report'; readonly child: string; readonly report: string } // CHILD/REPORT
  | { readonly kind: 'input'; readonly name: string } // input/NAME
  | { readonly kind: 'host-state' }; // host/state

export interface Limits {
  /** Instructions metered per update (enforced by the engine's fuel rewrite). */
  readonly fuel: number;
  /** Cap on a child's linear memory, in MiB. */
  readonly memory_mib: number;
  /** Largest report a child may submit, in KiB. */
  readonly report_kib: number;
  /** Most reports a child may submit in one update. */
  readonly reports_per_update: number;
  /** Most child updates one step may run before it ends as a cycle that never settles. */
  readonly updates_per_step: number;
  /** Most children with a live instance at once (host-wide: the scenario's value counts); the least recently updated beyond it hibernate. */
  readonly max_warm: number;
}

/**
 * How a faulted child is restarted (Erlang/OTP's restart intensity, counted in steps): at most
 * `max` restarts within `within_steps` steps, each `backoff_steps` steps after the fault; past
 * that the child is quarantined until restarted by hand or by a scenario change.
 */
export interface RestartPolicy {
  readonly max: number;
  readonly within_steps: number;
  readonly backoff_steps: number;
}

export interface ChildSpec {
  readonly name: string;
  /** Key into `Scenario.components`. */
  readonly component: string;
  /** Local ROM name → source, in file order. */
  readonly roms: Readonly<Record<string, RomSource>>;
  /** Local ROM name → inline value (`config:` in the file; strings as UTF-8, other YAML values as JSON). */
  readonly config: Readonly<Record<string, Uint8Array>>;
  /** Report names this child may submit. */
  readonly reports: readonly string[];
  /** The scenario's limits with this child's overrides applied. */
  readonly limits: Limits;
  /** The scenario's restart policy with this child's overrides applied. */
  readonly restart: RestartPolicy;
  /** 1-based line of the child's entry in the file, for messages. */
  readonly line: number;
}

export interface ComponentRef {
  readonly name: string;
  /** Absolute path of the .wasm file. */
  readonly path: string;
  readonly line: number;
}

export interface Scenario {
  /** The file it came from (as given), or `<inline>`. */
  readonly file: string;
  /** The YAML it was read from: what a journal records, so that a replay applies the same scenario. */
  readonly text: string;
  readonly components: Readonly<Record<string, ComponentRef>>;
  /** Sorted by name: the order children are started in. */
  readonly children: readonly ChildSpec[];
  readonly limits: Limits;
  readonly restart: RestartPolicy;
  /**
   * The children that are scenarios of their own (docs/scenario.md, Subsystems), by name
   * (`office`, `office/inner`), sorted. Their children are in `children` already, under names in
   * their namespace (`office/layouter`); these say where each came from.
   */
  readonly subsystems: readonly SubsystemSpec[];
}

/** A child that is a scenario: its file and text, which `parseScenario` needs again to build it. */
export interface SubsystemSpec {
  /** `office`; a subsystem inside one is `office/inner`. */
  readonly name: string;
  /** Its scenario file, as given (relative to the cwd, or absolute). */
  readonly file: string;
  /** Its YAML, as it was read. */
  readonly text: string;
  /** The reports it lets its parent route, as its own sources: `layouter/window_layout`. */
  readonly reports: readonly string[];
  /** 1-based line of its entry in the file that names it. */
  readonly line: number;
}

/** The files of a scenario's subsystems, by subsystem name: what `parseScenario` builds them from. */
export type SubsystemTexts = Readonly<Record<string, { readonly file: string; readonly text: string }>>;
