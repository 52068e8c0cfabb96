/**
 * AssemblyScript's diagnostics → romhost's one line: the first error as `FILE:LINE:COL: message`,
 * with the file as the user knows it (the source in its folder, the kit's file in kits/as), not
 * asc's internal name for it.
 */
import type { AscModule } from './as-toolchain.js';

type Diagnostic = Parameters<NonNullable<Parameters<AscModule['main']>[1]>['reportDiagnostic'] & {}>[0];

/** asc's DiagnosticCategory.Error. */
const ERROR = 3;

/** A file asc read, under the name its diagnostics use. */
export interface ReadSource {
  /** The path to show. */
  readonly file: string;
  readonly text: string;
}

export interface Located {
  readonly file: string;
  readonly reason: string;
}

/** The first error among `diagnostics`, placed in its file; undefined if there is none. */
export function firstError(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, ReadSource>): Located | undefined {
  const error = diagnostics.find((d) => d.category === ERROR);
  if (error === undefined) return undefined;
  const range = error.range;
  const source = range === null ? undefined : sources.get(range.source.normalizedPath);
  if (range === null || source === undefined) return { file: range?.source.normalizedPath ?? '', reason: error.message };
  const before = source.text.slice(0, range.start);
  const line = before.split('\n').length;
  const column = range.start - before.lastIndexOf('\n');
  return { file: `${source.file}:${line}:${column}`, reason: error.message };
}

/** asc ends its messages with a period; romhost's one-line errors go on after them. */
export function plain(message: string): string {
  return message.replace(/\.$/, '');
}

const ROMHOST_MODULE = /^romhost:component\//;

/** What std library calls bring in AssemblyScript's `env` imports. */
const CULPRITS: Record<string, string> = { seed: 'Math.random', 'Date.now': 'Date.now', trace: 'trace', abort: 'abort' };

/**
 * The first import of `module` outside romhost's world, said in AssemblyScript's terms (wrapping
 * it as a component would only say that "env" is not in the world).
 */
export function foreignImport(module: WebAssembly.Module): string | undefined {
  const found = WebAssembly.Module.imports(module).find((i) => !ROMHOST_MODULE.test(i.module));
  if (found === undefined) return undefined;
  const culprit = CULPRITS[found.name] ?? (found.name.startsWith('console.') ? 'console' : undefined);
  return (
    `the module imports ${found.module}::${found.name}${culprit === undefined ? '' : ` (${culprit})`}, which romhost does not grant: ` +
    'a component has no clock, randomness, console or WASI; take what it needs from a ROM'
  );
}
