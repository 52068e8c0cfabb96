/** The name jco's output files are given; core modules come out as `component.core*.wasm`. */
const NAME = 'component';

/** A component taken apart by jco: its core modules in instantiation order, its glue and its types. */
export interface SplitComponent {
  /** Core module name → bytes, in the order jco's glue instantiates them. */
  readonly coreModules: ReadonlyMap<string, Uint8Array>;
  /** jco's generated glue (ESM, instantiation mode): `instantiate(getCoreModule, imports)`. */
  readonly glue: string;
  /** TypeScript declarations jco derives from the component's WIT types: the world's and each import's. */
  readonly worldTypes: string;
  readonly interfaceTypes: ReadonlyMap<string, string>;
  /** Exported names and kinds, as jco lists them. */
  readonly exports: readonly (readonly [string, string])[];
}

/**
 * Runs jco's transpiler, which parses and validates the component (wasm-tools) and splits it.
 * Throws jco's own error for bytes that are not a valid component.
 */
export async function splitComponent(bytes: Uint8Array): Promise<SplitComponent> {
  // jco takes ~0.8 s to import: only pay for it when a component is loaded.
  const { transpile } = await import('@bytecodealliance/jco');
  const out = await transpile(bytes, { name: NAME, instantiation: 'sync' });
  const decoder = new TextDecoder();
  const coreModules = new Map<string, Uint8Array>();
  const interfaceTypes = new Map<string, string>();
  // Instantiation order is the numbering jco gives: core.wasm, core2.wasm, core3.wasm, ...
  const order = (name: string) => Number(/\.core(\d*)\.wasm$/.exec(name)?.[1] || 1);
  for (const name of Object.keys(out.files).sort((a, b) => order(a) - order(b))) {
    const content = out.files[name]!;
    if (name.endsWith('.wasm')) coreModules.set(name, content);
    else if (name.startsWith('interfaces/') && name.endsWith('.d.ts')) interfaceTypes.set(name, decoder.decode(content));
  }
  return {
    coreModules,
    glue: decoder.decode(out.files[`${NAME}.js`]),
    worldTypes: decoder.decode(out.files[`${NAME}.d.ts`]),
    interfaceTypes,
    exports: out.exports,
  };
}
