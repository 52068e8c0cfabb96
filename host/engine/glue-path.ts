import type { ChildImports, ComponentInstance } from './types.js';

type Instantiate = (
  getCoreModule: (name: string) => WebAssembly.Module,
  imports: Record<string, unknown>,
) => { update(changed: string[]): void };

/** Loads jco's generated glue, once per component, as an ES module from memory. */
export async function loadGlue(source: string): Promise<Instantiate> {
  const url = `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`;
  const glue = (await import(url)) as { instantiate: Instantiate };
  return glue.instantiate;
}

/** An instance run through jco's glue: the reference for the fast path, and the way for any other shape. */
export class GlueInstance implements ComponentInstance {
  readonly #update: (changed: string[]) => void;

  constructor(instantiate: Instantiate, modules: ReadonlyMap<string, WebAssembly.Module>, imports: ChildImports) {
    const rom = { read: (name: string) => imports.read(name) };
    const report = { submit: (name: string, content: Uint8Array) => imports.submit(name, content) };
    // jco's glue looks imports up by unversioned names (TOOLCHAINS.md).
    const exports = instantiate((name) => modules.get(name)!, {
      'romhost:component/rom': rom,
      'romhost:component/report': report,
    });
    this.#update = (changed) => exports.update(changed);
  }

  update(changed: readonly string[]): void {
    this.#update([...changed]);
  }
}
