/**
 * clang's and wasm-ld's messages → romhost's one-line faults, naming the component's source
 * (file, line and column where clang gives them) instead of the temporary objects of a build.
 */
import { isAbsolute, join } from 'node:path';

export interface Diagnostic {
  /** `FILE` or `FILE:LINE:COL`. */
  readonly file: string;
  readonly reason: string;
}

const AT = /^(.+?):(\d+):(\d+): (?:fatal )?(error|warning): (.*)$/;

/** clang runs in the component's folder: its relative paths are relative to `dir`. */
function located(dir: string, file: string, line: string, column: string): string {
  return `${isAbsolute(file) ? file : join(dir, file)}:${line}:${column}`;
}

/** The first error of a failed compile. */
export function compileError(stderr: string, dir: string, source: string): Diagnostic {
  for (const line of stderr.split('\n')) {
    const at = AT.exec(line);
    if (at?.[4] === 'error') return { file: located(dir, at[1]!, at[2]!, at[3]!), reason: at[5]! };
  }
  return { file: source, reason: firstError(stderr) };
}

/** Each warning of a compile as one line, for the build's progress. */
export function compileWarnings(stderr: string, dir: string): string[] {
  return stderr.split('\n').flatMap((line) => {
    const at = AT.exec(line);
    return at?.[4] === 'warning' ? [`${located(dir, at[1]!, at[2]!, at[3]!)}: warning: ${at[5]!}`] : [];
  });
}

/** Object file names of a build → what they were compiled from. */
export interface Objects {
  readonly source: { readonly object: string; readonly file: string };
  readonly kit: { readonly object: string; readonly file: string };
}

/** The first error of a failed link; undefined symbols get a hint, since C has no library here. */
export function linkError(stderr: string, objects: Objects): Diagnostic {
  const undefinedSymbol = /error: (\S+): undefined symbol: (\S+)/.exec(stderr);
  if (undefinedSymbol) {
    const [, object, symbol] = undefinedSymbol;
    if (object === objects.kit.object && symbol === 'romhost_update') {
      return { file: objects.source.file, reason: 'defines no romhost_update: write void romhost_update(romhost_changed changed), see romhost.h' };
    }
    return {
      file: object === objects.kit.object ? objects.kit.file : objects.source.file,
      reason: `undefined symbol ${symbol!}: a component has no C library (no stdio, no malloc): use what romhost.h provides, or define it`,
    };
  }
  const reason = firstError(stderr)
    .replaceAll(objects.source.object, objects.source.file)
    .replaceAll(objects.kit.object, objects.kit.file);
  return { file: objects.source.file, reason };
}

/** The first line that says `error:`, without the tool's prefix; else the first line. */
function firstError(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const error = lines.find((line) => line.includes('error: ')) ?? lines[0] ?? 'failed without a message';
  return error.replace(/^[\w.-]+: (?:fatal )?error: /, '');
}
