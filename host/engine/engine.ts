import { fail, isRomhostError } from '../errors.js';
import { FastInstance, fastPathMain } from './fast-path.js';
import { GlueInstance, loadGlue } from './glue-path.js';
import { ModuleCache, sha256 } from './module-cache.js';
import { splitComponent } from './split-component.js';
import type { ChildImports, Component, ComponentInstance, CoreModuleInfo } from './types.js';
import { wasmKind } from './wasm-kind.js';
import { checkWorld } from './world-check.js';

/** What the engine keeps per component: enough to instantiate it without looking at its bytes again. */
type Loaded = { readonly component: Component } & (
  | { readonly path: 'fast'; readonly main: WebAssembly.Module }
  | {
      readonly path: 'glue';
      readonly modules: ReadonlyMap<string, WebAssembly.Module>;
      readonly instantiate: Awaited<ReturnType<typeof loadGlue>>;
    }
);

export interface EngineStats {
  /** Components loaded, by distinct hash. */
  readonly components: number;
  /** Core modules compiled, by distinct hash: shared by every component and instance that has them. */
  readonly compiledModules: number;
}

/**
 * Bytes to instances (after wasmtime's Engine / Component / InstancePre): validate and compile a
 * component once per hash, then instantiate it as often as needed, synchronously.
 */
export interface EngineOptions {
  /**
   * `auto` (the default) takes the fast path wherever it can; `glue` runs everything through jco's
   * generated glue, the reference the fast path is tested against.
   */
  readonly callPath?: 'auto' | 'glue';
}

export class Engine {
  readonly #options: EngineOptions;
  readonly #modules = new ModuleCache();
  readonly #components = new Map<string, Promise<Loaded>>();
  readonly #loaded = new WeakMap<Component, Loaded>();

  constructor(options: EngineOptions = {}) {
    this.#options = options;
  }

  /** Validates and compiles a component; `label` names it in errors (a path, usually). */
  async load(bytes: Uint8Array, label: string): Promise<Component> {
    const hash = sha256(bytes);
    let loading = this.#components.get(hash);
    if (!loading) {
      loading = this.#load(bytes, hash, label);
      loading.catch(() => this.#components.delete(hash));
      this.#components.set(hash, loading);
    }
    const loaded = await loading;
    this.#loaded.set(loaded.component, loaded);
    return loaded.component;
  }

  /** A fresh instance of a loaded component, wired to `imports`. A trap while starting throws. */
  instantiate(component: Component, imports: ChildImports): ComponentInstance {
    const loaded = this.#loaded.get(component);
    if (!loaded) throw new TypeError(`component ${component.label} was not loaded by this engine`);
    return loaded.path === 'fast'
      ? new FastInstance(loaded.main, imports)
      : new GlueInstance(loaded.instantiate, loaded.modules, imports);
  }

  stats(): EngineStats {
    return { components: this.#components.size, compiledModules: this.#modules.size };
  }

  async #load(bytes: Uint8Array, hash: string, label: string): Promise<Loaded> {
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
    const infos: CoreModuleInfo[] = [...split.coreModules].map(([name, b]) => ({ name, hash: sha256(b), size: b.length }));
    const compiled = new Map<string, WebAssembly.Module>();
    try {
      for (const info of infos) compiled.set(info.name, await this.#modules.compile(split.coreModules.get(info.name)!, info.hash));
    } catch (e) {
      if (isRomhostError(e)) throw e;
      fail('invalid-component', { file: label, reason: firstLine(e) }, e);
    }
    const base = { hash, label, size: bytes.length, imports: world.imports, exports: world.exports, coreModules: infos };
    const fast = this.#options.callPath === 'glue' ? { reason: 'the engine was asked for jco glue' } : fastPathMain(compiled);
    if ('main' in fast) {
      return { path: 'fast', main: compiled.get(fast.main)!, component: { ...base, callPath: 'fast' } };
    }
    return {
      path: 'glue',
      modules: compiled,
      instantiate: await loadGlue(split.glue),
      component: { ...base, callPath: 'glue', glueReason: fast.reason },
    };
  }
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error';
}
