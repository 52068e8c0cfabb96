/**
 * rustc's diagnostics (`--error-format=json`, one JSON object a line on stderr) → romhost's
 * one-line faults and progress lines, naming the component's file, line and column. An error
 * inside the kit's `export!` macro is placed where the component uses the macro.
 */
import { isAbsolute, join } from 'node:path';

export interface Diagnostic {
  /** `FILE` or `FILE:LINE:COL`. */
  readonly file: string;
  readonly reason: string;
}

interface Span {
  readonly file_name: string;
  readonly line_start: number;
  readonly column_start: number;
  readonly is_primary: boolean;
  readonly expansion?: { readonly span: Span } | null;
}

interface Message {
  readonly level: string;
  readonly message: string;
  readonly code?: { readonly code: string } | null;
  readonly spans: readonly Span[];
}

/** Where the files rustc names are: the component's folder, and the kit's (remapped) prefix. */
export interface Places {
  /** rustc runs in the component's folder: its relative paths are relative to it. */
  readonly dir: string;
  readonly source: string;
  /** The prefix the kit's paths are remapped to, and the folder it stands for. */
  readonly kit: { readonly prefix: string; readonly dir: string };
}

/** The first error of a failed rustc run. */
export function rustError(stderr: string, places: Places): Diagnostic {
  const messages = parse(stderr);
  const error = messages.find((m) => m.level === 'error' || m.level === 'error: internal compiler error');
  if (error === undefined) return { file: places.source, reason: firstLine(stderr) };
  const linker = /^linker `(.+)` not found/.exec(error.message);
  if (linker) return { file: places.source, reason: `${linker[1]!} not found: install it with apt-get install rustc` };
  return located(error, 'error', places);
}

/** Each warning as one line, for the build's progress. */
export function rustWarnings(stderr: string, places: Places): string[] {
  return parse(stderr)
    .filter((m) => m.level === 'warning' && m.spans.length > 0)
    .map((m) => {
      const { file, reason } = located(m, 'warning', places);
      return `${file}: ${reason}`;
    });
}

function located(message: Message, level: string, places: Places): Diagnostic {
  const code = message.code ? ` (${message.code.code})` : '';
  const reason = `${level === 'warning' ? 'warning: ' : ''}${message.message}${code}`;
  const span = bestSpan(message.spans, places);
  if (span === undefined) return { file: places.source, reason };
  return { file: `${filePath(span.file_name, places)}:${span.line_start}:${span.column_start}`, reason };
}

/** The primary span, or, when that lies in the kit (a macro), the component's span nearest to it. */
function bestSpan(spans: readonly Span[], places: Places): Span | undefined {
  const primary = spans.find((s) => s.is_primary) ?? spans[0];
  if (primary === undefined || !inKit(primary, places)) return primary;
  for (let at: Span | undefined = primary; at !== undefined; at = at.expansion?.span) {
    if (!inKit(at, places)) return at;
  }
  return spans.find((s) => !inKit(s, places)) ?? primary;
}

function inKit(span: Span, places: Places): boolean {
  return span.file_name.startsWith(`${places.kit.prefix}/`);
}

function filePath(name: string, places: Places): string {
  if (name.startsWith(`${places.kit.prefix}/`)) return join(places.kit.dir, name.slice(places.kit.prefix.length + 1));
  return isAbsolute(name) ? name : join(places.dir, name);
}

function parse(stderr: string): Message[] {
  return stderr.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Message];
    } catch {
      return [];
    }
  });
}

function firstLine(stderr: string): string {
  return stderr.split('\n').map((line) => line.trim()).find((line) => line !== '') ?? 'rustc failed without a message';
}
