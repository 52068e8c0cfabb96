import { transpile } from '@bytecodealliance/jco';

/**
 * The main core module of a component (the one exporting `update`), as jco 1.35 splits it:
 * `c.core.wasm` with name `c`. Compiled here, independently of romhost's engine and its cache.
 */
export async function mainCoreModule(component: Uint8Array): Promise<WebAssembly.Module> {
  const out = await transpile(component, { name: 'c', instantiation: 'sync' });
  const bytes = out.files['c.core.wasm'];
  if (!bytes) throw new Error(`jco produced no c.core.wasm (files: ${Object.keys(out.files).join(', ')})`);
  const module = await WebAssembly.compile(new Uint8Array(bytes));
  if (!WebAssembly.Module.exports(module).some((e) => e.name === 'update' && e.kind === 'function')) {
    throw new Error('c.core.wasm exports no update: not the main module');
  }
  return module;
}
