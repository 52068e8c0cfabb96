/**
 * What rustc links is checked before it is wrapped: a crate without `romhost::export!` or with an
 * `extern` block of its own links fine, and wit-component's complaint would not say what to do.
 */
import { fail } from '../errors.js';

const WORLD_IMPORTS = new Set(['romhost:component/rom@0.1.0', 'romhost:component/report@0.1.0']);

export function checkRustModule(bytes: Uint8Array<ArrayBuffer>, source: string): void {
  const module = new WebAssembly.Module(bytes);
  if (!WebAssembly.Module.exports(module).some((e) => e.name === 'update')) {
    fail('build-failed', { file: source, reason: 'exports no update: add romhost::export!(update); with fn update(changed: &[&str]) (kits/rust/README.md)' });
  }
  const foreign = WebAssembly.Module.imports(module).find((i) => !WORLD_IMPORTS.has(i.module));
  if (foreign !== undefined) {
    fail('build-failed', {
      file: source,
      reason: `imports ${foreign.module}.${foreign.name}, which a component cannot have: declare no extern functions of your own; read ROMs and submit reports through the romhost kit`,
    });
  }
}
