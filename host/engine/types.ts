/** What a running component may do, as the host grants it: read its ROMs, submit its reports. */
export interface ChildImports {
  /** The value of the ROM routed to local `name`, or undefined when none. */
  read(name: string): Uint8Array | undefined;
  /** Hands a report to the host; `content` is the host's own copy. Throwing here faults the update. */
  submit(name: string, content: Uint8Array): void;
}

/** One live instance of a component. */
export interface ComponentInstance {
  /** Runs the component's `update` export. A trap or a throwing import propagates as an exception. */
  update(changed: readonly string[]): void;
  /** Drops it for good, once its caller will never call it again: what it holds may serve others. */
  release(): void;
}

/** How calls reach the component: the host's own lifting (fast) or jco's generated glue. */
export type CallPath = 'fast' | 'glue';

export interface CoreModuleInfo {
  /** The name jco gives it inside the component, e.g. `component.core2.wasm`. */
  readonly name: string;
  /** SHA-256 of its bytes: the key of the compiled-module cache. */
  readonly hash: string;
  readonly size: number;
}

/** A validated component, compiled once and shared by every instance of it. */
export interface Component {
  /** SHA-256 of the component's bytes, hex. */
  readonly hash: string;
  /** How it is named in messages (a path, usually). */
  readonly label: string;
  readonly size: number;
  readonly callPath: CallPath;
  /** On the fast path: the core module it calls directly. */
  readonly fastMain?: string;
  /** Why the fast path could not take it; absent on the fast path. */
  readonly glueReason?: string;
  /** WIT imports, versioned, sorted. */
  readonly imports: readonly string[];
  /** WIT exports, sorted. */
  readonly exports: readonly string[];
  readonly coreModules: readonly CoreModuleInfo[];
}
