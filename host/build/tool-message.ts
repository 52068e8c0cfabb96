/**
 * jco's wasm-tools errors are Rust `Display` (multi-line, "Caused by:" chains) or, for WAT,
 * `Debug` dumps. romhost's errors are one line: these turn them into one.
 */

/** `Error: a\n\nCaused by:\n    0: b\n    1: c` → `a: b: c`. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text
    .replace(/^Error: /, '')
    .split('\n')
    .map((line) => line.trim().replace(/^\d+: /, '').replace(/^\$/, ''))
    .filter((line) => line !== '' && line !== 'Caused by:')
    .join(': ');
}

export interface WatSyntaxError {
  /** 1-based, as editors count. */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** The position and message in a WAT parse error, when it has them. */
export function watSyntaxError(error: unknown): WatSyntaxError | undefined {
  const text = error instanceof Error ? error.message : String(error);
  const at = /line: (\d+), col: (\d+)/.exec(text);
  const kind = /kind: \w+\("((?:[^"\\]|\\.)*)"\)/.exec(text);
  if (!at || !kind) return undefined;
  // wast counts lines and columns from 0.
  return { line: Number(at[1]) + 1, column: Number(at[2]) + 1, message: unescapeDebug(kind[1] ?? '') };
}

function unescapeDebug(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}
