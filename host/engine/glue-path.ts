import { Limiter, type InstanceLimits } from './limiter.js';
import type { ChildImports, ComponentInstance } from './types.js';

type Instantiate = (
  getCoreModule: (name: string) => WebAssembly.Module,
  imports: Record<string, unknown>,
  instantiateCore: (module: WebAssembly.Module, imports: WebAssembly.Imports) => WebAssembly.Instance,
) => { update(changed: string[]): void };

/** Loads jco's generated glue, once per component, as an ES module from memory. */
export async function loadGlue(source: string): Promise<Instantiate> {
  const url = `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`;
  const glue = (await import(url)) as { instantiate: Instantiate };
  return glue.instantiate;
}

/**
 * An instance run through jco's glue: the reference for the fast path, and the way for any other
 * shape. Every core instance the glue makes is put under the limits (each metered module has its
 * own fuel counter, each refilled to the budget per update).
 */
export class GlueInstance implements ComponentInstance {
  readonly #update: (changed: string[]) => void;
  readonly #limiter: Limiter;

  constructor(instantiate: Instantiate, modules: ReadonlyMap<string, WebAssembly.Module>, imports: ChildImports, limits: InstanceLimits) {
    const limiter = (this.#limiter = new Limiter(limits));
    const rom = { read: (name: string) => imports.read(name) };
    const report = { submit: (name: string, content: Uint8Array) => imports.submit(name, content) };
    // jco's glue looks imports up by unversioned names (TOOLCHAINS.md).
    const exports = limiter.run(() =>
      instantiate(
        (name) => modules.get(name)!,
        { 'romhost:component/rom': rom, 'romhost:component/report': report },
        (module, coreImports) => {
          const instance = new WebAssembly.Instance(module, coreImports);
          limiter.adopt(instance);
          return instance;
        },
      ),
    );
    this.#update = (changed) => exports.update(changed);
  }

  /** jco's glue keeps its core instances to itself: the collector has them. */
  release(): void {}

  update(changed: readonly string[]): void {
    this.#limiter.arm();
    this.#limiter.run(() => this.#update([...changed]));
  }
}
