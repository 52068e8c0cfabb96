import { Counters, START_EXPORT } from './rewrite/index.js';

/** Calls deep enough for any state machine, shallow enough that the count traps before V8's stack does. */
export const MAX_CALL_DEPTH = 3000;

/** The limits one instance runs under (the child's, from the scenario). */
export interface InstanceLimits {
  /** Fuel per update: about one unit per instruction. */
  readonly fuel: number;
  /** The memory cap, in MiB. */
  readonly memoryMib: number;
}

export type Limit = 'fuel' | 'depth' | 'memory';

/** A trap that one of the instance's limits caused; `cause` is the trap itself. */
export class LimitTrap extends Error {
  constructor(
    readonly limit: Limit,
    readonly limits: InstanceLimits,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/**
 * The host's side of the rewrite's contract (rewrite/README.md) for the core instances of one
 * component instance: arms their counters before each outermost call, runs their start functions
 * metered, and tells a trap the limits caused from one of the guest's own.
 */
export class Limiter {
  readonly #counters: Counters[] = [];
  readonly #budget: bigint;

  constructor(readonly limits: InstanceLimits) {
    this.#budget = BigInt(limits.fuel);
  }

  /** Takes a new core instance under watch and runs its start function, metered. */
  adopt(instance: WebAssembly.Instance): void {
    const counters = new Counters(instance.exports);
    this.#counters.push(counters);
    const start = instance.exports[START_EXPORT];
    if (typeof start === 'function') {
      counters.reset(this.#budget);
      this.run(() => (start as () => void)());
    }
  }

  /** Refills every counter: before each outermost call into the component. */
  arm(): void {
    for (const counters of this.#counters) counters.reset(this.#budget);
  }

  /** Runs `call`; a trap the limits caused comes out as a LimitTrap. */
  run<T>(call: () => T): T {
    try {
      return call();
    } catch (e) {
      throw this.classify(e);
    }
  }

  /** A LimitTrap when the limits caused `e`; else `e` itself. */
  classify(e: unknown): unknown {
    if (e instanceof RangeError && /call stack/i.test(e.message)) return new LimitTrap('depth', this.limits, e);
    if (!(e instanceof WebAssembly.RuntimeError)) return e;
    // Fuel below zero, depth past the maximum, or a memory.grow refused at the cap (rewrite/README.md).
    for (const counters of this.#counters) {
      const cause = counters.trapCause({ maxCallDepth: MAX_CALL_DEPTH });
      if (cause) return new LimitTrap(cause, this.limits, e);
    }
    return e;
  }
}
