import { transpile } from '@bytecodealliance/jco';

/** The bytes of a component's main core module as jco 1.35 splits it: `c.core.wasm` with name `c`. */
export async function mainCoreBytes(component: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const out = await transpile(component, { name: 'c', instantiation: 'sync' });
  const bytes = out.files['c.core.wasm'];
  if (!bytes) throw new Error(`jco produced no c.core.wasm (files: ${Object.keys(out.files).join(', ')})`);
  return new Uint8Array(bytes);
}

/**
 * The main core module of a component (the one exporting `update`), compiled here,
 * independently of romhost's engine and its cache.
 */
export async function mainCoreModule(component: Uint8Array): Promise<WebAssembly.Module> {
  const module = await WebAssembly.compile(await mainCoreBytes(component));
  if (!WebAssembly.Module.exports(module).some((e) => e.name === 'update' && e.kind === 'function')) {
    throw new Error('c.core.wasm exports no update: not the main module');
  }
  return module;
}
