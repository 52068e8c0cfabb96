import { fail, isRomhostError } from '../errors.js';
import { FastInstance, fastPathMain } from './fast-path.js';
import { GlueInstance, loadGlue } from './glue-path.js';
import { MAX_CALL_DEPTH, type InstanceLimits } from './limiter.js';
import { ModuleCache, sha256 } from './module-cache.js';
import { RewriteError, rewriteCore } from './rewrite/index.js';
import { splitComponent, type SplitComponent } from './split-component.js';
import type { ChildImports, Component, ComponentInstance, CoreModuleInfo } from './types.js';
import { wasmKind } from './wasm-kind.js';
import { checkWorld } from './world-check.js';

/** The memory cap of a child that sets none (DEFAULT_LIMITS.memory_mib). */
const DEFAULT_MEMORY_MIB = 256;
const PAGE = 64 * 1024;

/** A component's core modules rewritten for one memory cap and compiled: what instances are made from. */
type Variant =
  | { readonly path: 'fast'; readonly main: WebAssembly.Module }
  | {
      readonly path: 'glue';
      readonly modules: ReadonlyMap<string, WebAssembly.Module>;
      readonly instantiate: Awaited<ReturnType<typeof loadGlue>>;
    };

/** What the engine keeps per component hash. */
interface Loaded {
  readonly component: Component;
  readonly split: SplitComponent;
  /** By memory cap in MiB (0 when the engine does not rewrite). */
  readonly variants: Map<number, Promise<Variant>>;
  /** Settled variants, for synchronous instantiation. */
  readonly ready: Map<number, Variant>;
}

export interface EngineOptions {
  /**
   * `auto` (the default) takes the fast path wherever it can; `glue` runs everything through jco's
   * generated glue, the reference the fast path is tested against.
   */
  readonly callPath?: 'auto' | 'glue';
  /**
   * Whether core modules are rewritten for fuel, call depth and memory caps (the default, and
   * what isolation needs). `false` runs them as they are: for measuring what metering costs.
   */
  readonly rewrite?: boolean;
}

export interface EngineStats {
  /** Components loaded, by distinct hash. */
  readonly components: number;
  /** Core modules compiled, by distinct hash and memory cap: shared by every component and instance that has them. */
  readonly compiledModules: number;
}

/**
 * Bytes to instances (after wasmtime's Engine / Component / InstancePre): validate a component
 * once per hash, rewrite and compile its core modules once per memory cap, then instantiate it as
 * often as needed, synchronously, under each child's limits.
 */
export class Engine {
  readonly #options: EngineOptions;
  readonly #modules = new ModuleCache();
  readonly #components = new Map<string, Promise<Loaded>>();
  readonly #loaded = new WeakMap<Component, Loaded>();

  constructor(options: EngineOptions = {}) {
    this.#options = options;
  }

  /**
   * Validates a component and prepares it for children capped at `memoryMib`; `label` names it
   * in errors (a path, usually). Loading the same bytes again costs a hash, or one more rewrite
   * for a new cap.
   */
  async load(bytes: Uint8Array, label: string, options: { memoryMib?: number } = {}): Promise<Component> {
    const hash = sha256(bytes);
    let loading = this.#components.get(hash);
    if (!loading) {
      loading = this.#validate(bytes, hash, label);
      loading.catch(() => this.#components.delete(hash));
      this.#components.set(hash, loading);
    }
    const loaded = await loading;
    this.#loaded.set(loaded.component, loaded);
    await this.#variant(loaded, options.memoryMib ?? DEFAULT_MEMORY_MIB);
    return loaded.component;
  }

  /** A fresh instance, wired to `imports`, under `limits`. A trap while starting throws. */
  instantiate(component: Component, imports: ChildImports, limits: InstanceLimits): ComponentInstance {
    const loaded = this.#loaded.get(component);
    const variant = loaded?.ready.get(this.#capKey(limits.memoryMib));
    if (!variant) throw new TypeError(`component ${component.label} was not loaded by this engine for ${limits.memoryMib} MiB`);
    return variant.path === 'fast'
      ? new FastInstance(variant.main, imports, limits)
      : new GlueInstance(variant.instantiate, variant.modules, imports, limits);
  }

  stats(): EngineStats {
    return { components: this.#components.size, compiledModules: this.#modules.size };
  }

  async #validate(bytes: Uint8Array, hash: string, label: string): Promise<Loaded> {
    switch (wasmKind(bytes)) {
      case 'not-wasm':
        return fail('not-wasm', { file: label });
      case 'core':
        return fail('core-module', { file: label });
      case 'component':
        break;
    }
    const split = await splitComponent(bytes).catch((e: unknown) =>
      fail('invalid-component', { file: label, reason: firstLine(e) }, e),
    );
    const world = checkWorld(split, label);
    const coreModules: CoreModuleInfo[] = [...split.coreModules].map(([name, b]) => ({ name, hash: sha256(b), size: b.length }));
    // The call path is the same for every cap: decided on the modules as they are.
    const originals = new Map<string, WebAssembly.Module>();
    for (const [name, b] of split.coreModules) originals.set(name, await compile(b, label));
    const fast = this.#options.callPath === 'glue' ? { reason: 'the engine was asked for jco glue' } : fastPathMain(originals);
    const component: Component = {
      hash,
      label,
      size: bytes.length,
      imports: world.imports,
      exports: world.exports,
      coreModules,
      ...('main' in fast ? { callPath: 'fast', fastMain: fast.main } : { callPath: 'glue', glueReason: fast.reason }),
    };
    return { component, split, variants: new Map(), ready: new Map() };
  }

  #variant(loaded: Loaded, memoryMib: number): Promise<Variant> {
    const key = this.#capKey(memoryMib);
    let variant = loaded.variants.get(key);
    if (!variant) {
      variant = this.#prepare(loaded, key);
      variant.then(
        (v) => loaded.ready.set(key, v),
        () => loaded.variants.delete(key),
      );
      loaded.variants.set(key, variant);
    }
    return variant;
  }

  /** Rewrites (for fuel, call depth and the memory cap) and compiles the modules a call path needs. */
  async #prepare(loaded: Loaded, capMib: number): Promise<Variant> {
    const { component, split } = loaded;
    const needed = component.fastMain === undefined ? [...split.coreModules.keys()] : [component.fastMain];
    const compiled = new Map<string, WebAssembly.Module>();
    for (const name of needed) {
      const original = split.coreModules.get(name)!;
      const info = component.coreModules.find((m) => m.name === name)!;
      compiled.set(name, await this.#modules.compile(`${info.hash}/${capMib}`, () => this.#rewrite(original, capMib, component.label, name)));
    }
    if (component.fastMain !== undefined) return { path: 'fast', main: compiled.get(component.fastMain)! };
    return { path: 'glue', modules: compiled, instantiate: await loadGlue(split.glue) };
  }

  async #rewrite(bytes: Uint8Array, capMib: number, label: string, module: string): Promise<Uint8Array> {
    if (this.#options.rewrite === false) return bytes;
    try {
      return await rewriteCore(bytes, { fuel: true, maxCallDepth: MAX_CALL_DEPTH, maxMemoryPages: (capMib * 1024 * 1024) / PAGE });
    } catch (e) {
      if (e instanceof RewriteError) fail('core-module-refused', { file: label, module, reason: e.message }, e);
      throw e;
    }
  }

  #capKey(memoryMib: number): number {
    return this.#options.rewrite === false ? 0 : memoryMib;
  }
}

async function compile(bytes: Uint8Array, label: string): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    if (isRomhostError(e)) throw e;
    return fail('invalid-component', { file: label, reason: firstLine(e) }, e);
  }
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error';
}
