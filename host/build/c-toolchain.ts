/**
 * Finding clang for the C step. Only clang is looked up: it finds its own wasm-ld (Debian's
 * clang 14 runs `wasm-ld-14`), and a link that cannot find it is recognised by its message.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The names clang goes by: the unversioned one first, then Debian's versioned ones, newest first. */
const CLANG_NAMES = ['clang', 'clang-19', 'clang-18', 'clang-17', 'clang-16', 'clang-15', 'clang-14'];

const INSTALL = 'apt-get install clang lld';

/** The first clang on `path` (a PATH value), or undefined. */
export function findClang(path: string): string | undefined {
  const dirs = path.split(delimiter).filter((dir) => dir !== '');
  for (const name of CLANG_NAMES) {
    for (const dir of dirs) {
      const file = join(dir, name);
      if (isExecutable(file)) return file;
    }
  }
  return undefined;
}

export const CLANG_MISSING = `clang not found: install it with ${INSTALL}`;

/** The one-line reason for a link that failed because clang found no wasm-ld, or undefined. */
export function missingLinker(stderr: string): string | undefined {
  const missing = /Executable "(wasm-ld[^"]*)" doesn't exist/.exec(stderr);
  return missing ? `${missing[1]} not found: install it with ${INSTALL}` : undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
