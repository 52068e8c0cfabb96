/**
 * AssemblyScript's compiler for the as step, loaded in-process on first use: the pinned version,
 * or one line that says how to install it. The pin matters: another version compiles the same
 * source to other bytes, and the committed .wasm files would no longer match.
 */
import type * as Asc from 'assemblyscript/asc';

export type AscModule = typeof Asc;

export const ASC_VERSION = '0.28.20';
const INSTALL = `npm install --save-dev --save-exact assemblyscript@${ASC_VERSION}`;

/** The compiler at `specifier`, or the reason it cannot be used (one line). */
export async function loadAsc(specifier: string): Promise<AscModule | string> {
  let asc: AscModule;
  try {
    asc = ((await import(specifier)) as { default: AscModule }).default;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return `assemblyscript not found: install it with ${INSTALL}`;
    throw e;
  }
  if (asc.version !== ASC_VERSION) {
    return `assemblyscript ${asc.version} found, romhost builds with ${ASC_VERSION}: install it with ${INSTALL}`;
  }
  return asc;
}
