import { bitsWrapperModule } from './wasm-encode.js';

type Callable = (...args: unknown[]) => unknown;

const modules = new Map<string, WebAssembly.Module>();
const wrappers = new WeakMap<Callable, Map<string, Callable>>();

/**
 * `f` as a function taking and returning floats as their bits, when its type has floats;
 * `f` itself otherwise. One compiled wrapper per type, one instance per function and type.
 */
export function withFloatBits(f: Callable, params: readonly string[], results: readonly string[]): Callable {
  const types = [...params, ...results];
  if (!types.includes('f32') && !types.includes('f64')) return f;
  const key = `${params.join(',')}->${results.join(',')}`;
  let byType = wrappers.get(f);
  if (!byType) wrappers.set(f, (byType = new Map()));
  let wrapped = byType.get(key);
  if (!wrapped) {
    let module = modules.get(key);
    if (!module) modules.set(key, (module = new WebAssembly.Module(bitsWrapperModule(params, results) as Uint8Array<ArrayBuffer>)));
    wrapped = new WebAssembly.Instance(module, { m: { f } }).exports['call'] as Callable;
    byType.set(key, wrapped);
  }
  return wrapped;
}
