import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Counters, START_EXPORT, type RewriteOptions, type TrapCause } from '../../host/engine/rewrite/index.js';
import { withFloatBits } from './call-wrappers.js';
import type { Action, Command, Value } from './commands.js';
import { argument, globalMismatch, mismatch } from './values.js';
import { spectestModule } from './wasm-encode.js';

/** How a script's modules are prepared: as they are, or through the rewrite. */
export type Prepare =
  | { readonly mode: 'original' }
  | {
      readonly mode: 'rewritten';
      readonly rewrite: (bytes: Uint8Array) => Promise<Uint8Array>;
      readonly options: RewriteOptions;
      readonly fuel: bigint;
    };

/** What one command did: passed, failed and why; a trap's or refusal's message, to compare runs. */
export interface Outcome {
  readonly failure?: string;
  readonly message?: string;
}

type Exports = WebAssembly.Exports;
type Callable = (...args: unknown[]) => unknown;

const spectest = new WebAssembly.Module(spectestModule() as Uint8Array<ArrayBuffer>);

/**
 * One run of a wast2json script, after the spec's reference interpreter: instances by name,
 * registered exports for imports, the `spectest` module, and each command checked as the spec
 * says. `reference` holds the outcomes of the original run, for the rewritten run to match.
 */
export class Script {
  readonly #registry = new Map<string, Exports>([['spectest', new WebAssembly.Instance(spectest).exports]]);
  readonly #named = new Map<string, Exports>();
  readonly #rewritten: Counters[] = [];
  #current: Exports | undefined;

  constructor(
    readonly dir: string,
    readonly prepare: Prepare,
  ) {}

  async run(command: Command, reference: Outcome | undefined): Promise<Outcome> {
    switch (command.type) {
      case 'module': {
        const exports = await this.#instantiate(command.filename);
        this.#current = exports;
        if (command.name) this.#named.set(command.name, exports);
        return {};
      }
      case 'register': {
        const exports = command.name ? this.#named.get(command.name) : this.#current;
        if (!exports) return { failure: `no module ${command.name ?? '(current)'} to register` };
        this.#registry.set(command.as, exports);
        return {};
      }
      case 'action':
      case 'assert_return': {
        const results = this.#act(command.action, command.expected);
        if (command.type === 'action') return {};
        if (command.action.type === 'get') return failed(globalMismatch(command.expected[0]!, results[0]));
        if (results.length !== command.expected.length) return { failure: `${results.length} results, expected ${command.expected.length}` };
        return failed(command.expected.map((e, i) => mismatch(e, results[i])).find((m) => m !== undefined));
      }
      case 'assert_trap':
      case 'assert_exhaustion': {
        const thrown = this.#thrown(() => this.#act(command.action, command.expected));
        return this.#expectTrap(thrown, command.type === 'assert_exhaustion', reference);
      }
      case 'assert_invalid':
      case 'assert_malformed': {
        const bytes = this.#bytes(command.filename);
        let prepared: Uint8Array;
        try {
          prepared = await this.#prepare(bytes);
        } catch (e) {
          return this.prepare.mode === 'rewritten' ? { message: `refused: ${messageOf(e)}` } : { failure: `threw ${messageOf(e)}` };
        }
        try {
          new WebAssembly.Module(prepared as Uint8Array<ArrayBuffer>);
        } catch (e) {
          if (e instanceof WebAssembly.CompileError) return { message: e.message };
          return { failure: `compiling threw ${messageOf(e)}, not a CompileError` };
        }
        return { failure: `${this.prepare.mode === 'rewritten' ? 'the rewritten module' : 'it'} compiles, expected "${command.text}"` };
      }
      case 'assert_unlinkable':
      case 'assert_uninstantiable': {
        const thrown = await this.#thrownAsync(() => this.#instantiate(command.filename));
        if (command.type === 'assert_uninstantiable') return this.#expectTrap(thrown, false, reference);
        // LinkError, but not always V8's very message: binaryen orders imports by kind (so
        // another one may be checked first), and a memory cap gives every memory a maximum.
        if (!(thrown instanceof WebAssembly.LinkError)) return { failure: `instantiating gave ${describe(thrown)}, expected a LinkError` };
        return { message: thrown.message };
      }
    }
  }

  #expectTrap(thrown: unknown, exhaustion: boolean, reference: Outcome | undefined): Outcome {
    const cause = this.#trapCause();
    if (exhaustion) {
      // V8's stack overflow (RangeError), which comes at a depth that varies; rewritten, the
      // depth counter's trap, which must come first, at the same call every time.
      if (this.prepare.mode === 'original' ? thrown instanceof RangeError : thrown instanceof WebAssembly.RuntimeError && cause === 'depth') {
        return {};
      }
      return { failure: `gave ${describe(thrown)}${cause ? ` (${cause})` : ''}, expected call stack exhaustion` };
    }
    if (!(thrown instanceof WebAssembly.RuntimeError)) return { failure: `gave ${describe(thrown)}, expected a trap` };
    if (cause) return { failure: `trapped on ${cause}, not on its own: ${thrown.message}` };
    return same({ message: thrown.message }, reference);
  }

  #act(action: Action, expected: readonly Value[]): unknown[] {
    const exports = action.module ? this.#named.get(action.module) : this.#current;
    if (!exports) throw new Error(`no module ${action.module ?? '(current)'}`);
    const target = exports[action.field];
    if (action.type === 'get') {
      if (!(target instanceof WebAssembly.Global)) throw new Error(`no global ${action.field}`);
      return [target.value];
    }
    if (typeof target !== 'function') throw new Error(`no function ${action.field}`);
    const args = action.args ?? [];
    const f = withFloatBits(target as Callable, args.map((a) => a.type), expected.map((e) => e.type));
    this.#arm();
    const result = f(...args.map(argument));
    return expected.length === 0 ? [] : expected.length === 1 ? [result] : [...(result as unknown[])];
  }

  async #instantiate(filename: string): Promise<Exports> {
    const bytes = await this.#prepare(this.#bytes(filename));
    const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    const imports = Object.fromEntries(this.#registry) as WebAssembly.Imports;
    const { exports } = new WebAssembly.Instance(module, imports);
    if (this.prepare.mode === 'rewritten') {
      this.#rewritten.push(new Counters(exports));
      const start = exports[START_EXPORT];
      if (typeof start === 'function') {
        this.#arm();
        start();
      }
    }
    return exports;
  }

  #prepare(bytes: Uint8Array): Promise<Uint8Array> {
    return this.prepare.mode === 'rewritten' ? this.prepare.rewrite(bytes) : Promise.resolve(bytes);
  }

  /** Before each call: fuel and depth of every rewritten instance, since calls cross modules. */
  #arm(): void {
    if (this.prepare.mode !== 'rewritten') return;
    for (const counters of this.#rewritten) counters.reset(this.prepare.fuel);
  }

  #trapCause(): TrapCause | undefined {
    if (this.prepare.mode !== 'rewritten') return undefined;
    const { options } = this.prepare;
    return this.#rewritten.map((c) => c.trapCause(options)).find((c) => c !== undefined);
  }

  #bytes(filename: string): Uint8Array {
    return new Uint8Array(readFileSync(join(this.dir, filename)));
  }

  #thrown(f: () => unknown): unknown {
    try {
      f();
    } catch (e) {
      return e;
    }
    return undefined;
  }

  async #thrownAsync(f: () => Promise<unknown>): Promise<unknown> {
    try {
      await f();
    } catch (e) {
      return e;
    }
    return undefined;
  }
}

function failed(failure: string | undefined): Outcome {
  return failure === undefined ? {} : { failure };
}

/** The rewritten run must trap with V8's very message of the original run. */
function same(outcome: Outcome, reference: Outcome | undefined): Outcome {
  if (reference?.message === undefined || reference.message === outcome.message) return outcome;
  return { ...outcome, failure: `"${outcome.message}", but the original gave "${reference.message}"` };
}

function describe(thrown: unknown): string {
  return thrown === undefined ? 'no error' : `${thrown instanceof Error ? thrown.name : typeof thrown}: ${messageOf(thrown)}`;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
