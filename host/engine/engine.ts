import { fail, isRomhostError } from '../errors.js';
import { defaultCacheDir } from './cache-location.js';
import type { ComponentRecord } from './component-record.js';
import { DirectoryCache } from './directory-cache.js';
import type { EngineCache } from './engine-cache.js';
import { CorePool } from './core-pool.js';
import { FastInstance, fastPathMain } from './fast-path.js';
import { GlueInstance, loadGlue } from './glue-path.js';
import { MAX_CALL_DEPTH, type InstanceLimits } from './limiter.js';
import { MemoryPool, WASM_PAGE } from './memory-pool.js';
import { ModuleCache, sha256, type CompiledModule } from './module-cache.js';
import { PreparedCache, type CacheStats } from './prepared-cache.js';
import { RewriteError, rewriteCore, type MemoryLimits, type RewriteOptions } from './rewrite/index.js';
import { splitComponent, type SplitComponent } from './split-component.js';
import type { ChildImports, Component, ComponentInstance, CoreModuleInfo } from './types.js';
import { wasmKind } from './wasm-kind.js';
import { checkWorld } from './world-check.js';

/** The memory cap of a child that sets none (DEFAULT_LIMITS.memory_mib). */
const DEFAULT_MEMORY_MIB = 256;

/** A component's core modules rewritten for one memory cap and compiled: what instances are made from. */
type Variant =
  | { readonly path: 'fast'; readonly cores: CorePool }
  | {
      readonly path: 'glue';
      readonly modules: ReadonlyMap<string, WebAssembly.Module>;
      readonly instantiate: Awaited<ReturnType<typeof loadGlue>>;
    };

/** What the engine keeps per component hash. */
interface Loaded {
  readonly component: Component;
  /** jco's glue, on the glue path. */
  readonly glue: string | undefined;
  /**
   * The component taken apart by jco: at hand after validating it; after a cache hit, split only
   * when a core module is missing from the cache (a new memory cap, a damaged entry).
   */
  readonly split: () => Promise<SplitComponent>;
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
  /**
   * Where validated components and rewritten core modules are kept across processes, so that
   * loading the same bytes again imports neither jco nor binaryen (README.md): `'default'` is a
   * directory (`$ROMHOST_CACHE`, else `$XDG_CACHE_HOME/romhost` or `~/.cache/romhost`;
   * `ROMHOST_CACHE=off` turns it off); or any EngineCache. Absent or `false`: none, the engine
   * keeps what it prepared in memory only.
   */
  readonly cache?: EngineCache | 'default' | false;
}

export interface EngineStats {
  /** Components loaded, by distinct hash. */
  readonly components: number;
  /** Core modules compiled, by distinct hash and memory cap: shared by every component and instance that has them. */
  readonly compiledModules: number;
  /**
   * The core instances of fast-path children (README.md, "Reusable instances"): made by V8, and
   * taken again, made new, after a child that had one stopped or hibernated.
   */
  readonly instances: { readonly made: number; readonly reused: number };
  /**
   * The memories of fast-path instances (README.md, "Pooled memory"): made new, and taken again
   * from the pool, zeroed, after an instance that had one was stopped or hibernated.
   */
  readonly memories: { readonly made: number; readonly reused: number };
}

/**
 * Bytes to instances (after wasmtime's Engine / Component / InstancePre): validate a component
 * once per hash, rewrite and compile its core modules once per memory cap, then instantiate it as
 * often as needed, synchronously, under each child's limits.
 */
export class Engine {
  readonly #options: EngineOptions;
  readonly #modules = new ModuleCache();
  /** Memories for fast instances to take and give back, by their limits: any module importing that type may have one. */
  readonly #pools = new Map<string, MemoryPool>();
  /** Every fast variant's cores, for the stats. */
  readonly #cores: CorePool[] = [];
  readonly #components = new Map<string, Promise<Loaded>>();
  readonly #loaded = new WeakMap<Component, Loaded>();
  readonly #cache: PreparedCache | undefined;

  constructor(options: EngineOptions = {}) {
    this.#options = options;
    this.#cache = preparedCache(options.cache);
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
    if (variant.path === 'glue') return new GlueInstance(variant.instantiate, variant.modules, imports, limits);
    const { cores } = variant;
    return new FastInstance(cores.take(), imports, limits, cores.give);
  }

  stats(): EngineStats {
    const counts = (pools: readonly { made: number; reused: number }[]) => ({ made: sum(pools.map((p) => p.made)), reused: sum(pools.map((p) => p.reused)) });
    return { components: this.#components.size, compiledModules: this.#modules.size, instances: counts(this.#cores), memories: counts([...this.#pools.values()]) };
  }

  /** How the persistent cache served this engine, or undefined when it has none. */
  cacheStats(): CacheStats | undefined {
    return this.#cache?.stats();
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
    // Only what validated is ever put in the cache: a component found there needs no check again.
    const callPathOption = this.#options.callPath ?? 'auto';
    const cached = await this.#cache?.component(hash, callPathOption);
    if (cached) {
      // A copy, taken now: the caller may reuse its buffer before a new memory cap needs the split.
      const own = bytes.slice();
      return fromRecord(cached, hash, label, once(() => split(own, label)));
    }
    const fresh = await split(bytes, label);
    const world = checkWorld(fresh, label);
    const coreModules: CoreModuleInfo[] = [...fresh.coreModules].map(([name, b]) => ({ name, hash: sha256(b), size: b.length }));
    // The call path is the same for every cap: decided on the modules as they are.
    const originals = new Map<string, WebAssembly.Module>();
    for (const [name, b] of fresh.coreModules) originals.set(name, await compile(b, label));
    const fast = this.#options.callPath === 'glue' ? { reason: 'the engine was asked for jco glue' } : fastPathMain(originals);
    const record: ComponentRecord = {
      size: bytes.length,
      imports: world.imports,
      exports: world.exports,
      coreModules,
      ...('main' in fast ? { callPath: 'fast', fastMain: fast.main } : { callPath: 'glue', glueReason: fast.reason, glue: fresh.glue }),
    };
    await this.#cache?.putComponent(hash, callPathOption, record);
    return fromRecord(record, hash, label, () => Promise.resolve(fresh));
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
    const { component } = loaded;
    const needed = component.coreModules.filter((m) => component.fastMain === undefined || m.name === component.fastMain);
    const compiled = new Map<string, CompiledModule>();
    for (const info of needed) {
      // A fast main is rewritten otherwise than the same module under jco's glue (#coreBytes): keyed apart.
      const key = `${info.hash}/${capMib}${info.name === component.fastMain ? '/fast' : ''}`;
      compiled.set(info.name, await this.#modules.compile(key, () => this.#coreBytes(loaded, info, capMib)));
    }
    if (component.fastMain !== undefined) {
      const { module, memory } = compiled.get(component.fastMain)!;
      const cores = new CorePool(module, memory && this.#pool(memory));
      this.#cores.push(cores);
      return { path: 'fast', cores };
    }
    if (loaded.glue === undefined) throw new Error(`component ${component.label} is on the glue path without glue`);
    const modules = new Map([...compiled].map(([name, c]) => [name, c.module]));
    return { path: 'glue', modules, instantiate: await loadGlue(loaded.glue) };
  }

  #pool(limits: MemoryLimits): MemoryPool {
    const key = `${limits.initial}/${limits.maximum}`;
    let pool = this.#pools.get(key);
    if (!pool) this.#pools.set(key, (pool = new MemoryPool(limits)));
    return pool;
  }

  /** A core module's bytes as they are compiled: from the cache, else rewritten (and cached). */
  async #coreBytes(loaded: Loaded, info: CoreModuleInfo, capMib: number): Promise<Uint8Array> {
    // The fast path pools its main module's memories and instances; jco's glue instantiates modules its own way.
    const options = this.#rewriteOptions(capMib, info.name === loaded.component.fastMain);
    // The key holds every option the rewrite was given (and the cache key the rewrite's code).
    const settings = options === undefined ? 'as-is' : JSON.stringify(options);
    const cached = await this.#cache?.module(info.hash, settings);
    if (cached) return cached;
    const original = (await loaded.split()).coreModules.get(info.name)!;
    const bytes = options === undefined ? original : await rewrite(original, options, loaded.component.label, info.name);
    await this.#cache?.putModule(info.hash, settings, bytes);
    return bytes;
  }

  /** What the rewrite is told for a memory cap; undefined when the engine does not rewrite. */
  #rewriteOptions(capMib: number, fastMain: boolean): RewriteOptions | undefined {
    if (this.#options.rewrite === false) return undefined;
    return {
      fuel: true,
      maxCallDepth: MAX_CALL_DEPTH,
      maxMemoryPages: (capMib * 1024 * 1024) / WASM_PAGE,
      ...(fastMain && { importMemory: true, resettable: true }),
    };
  }

  #capKey(memoryMib: number): number {
    return this.#options.rewrite === false ? 0 : memoryMib;
  }
}

function preparedCache(option: EngineOptions['cache']): PreparedCache | undefined {
  if (option === undefined || option === false) return undefined;
  if (option !== 'default') return new PreparedCache(option, 'passed in EngineOptions.cache');
  const dir = defaultCacheDir();
  return dir === undefined ? undefined : new PreparedCache(new DirectoryCache(dir), dir);
}

function fromRecord(record: ComponentRecord, hash: string, label: string, split: () => Promise<SplitComponent>): Loaded {
  const { glue, ...rest } = record;
  return { component: { hash, label, ...rest }, glue, split, variants: new Map(), ready: new Map() };
}

/** jco's split, its refusal as a typed error. */
function split(bytes: Uint8Array, label: string): Promise<SplitComponent> {
  return splitComponent(bytes).catch((e: unknown) => fail('invalid-component', { file: label, reason: firstLine(e) }, e));
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

function once<T>(f: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= f());
}

async function rewrite(bytes: Uint8Array, options: RewriteOptions, label: string, module: string): Promise<Uint8Array> {
  try {
    return await rewriteCore(bytes, options);
  } catch (e) {
    if (e instanceof RewriteError) fail('core-module-refused', { file: label, module, reason: e.message }, e);
    throw e;
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
