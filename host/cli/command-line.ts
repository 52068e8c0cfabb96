import { isAbsolute, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';

/**
 * One command as a JSON line, on stdin or in an `--inputs` file:
 * an input `{"rom": "input/NAME", "text" | "base64": ...}` or a lifecycle command
 * `{"kill": "CHILD"}`, `{"restart": "CHILD"}`, `{"hibernate": "CHILD"}`, `{"swap": "CHILD", "component": "PATH.wasm"}`, or a
 * shadow swap's `{"shadow": "CHILD", "component": "PATH.wasm"}`, `{"promote": "CHILD"}`, `{"unshadow": "CHILD"}`, or
 * `{"snapshot": "PATH"}`, which writes a snapshot of the host between two steps (docs/snapshot.md).
 */
const Line = z.union([
  z.strictObject({ rom: z.string().startsWith('input/'), text: z.string() }),
  z.strictObject({ rom: z.string().startsWith('input/'), base64: z.base64() }),
  z.strictObject({ kill: z.string() }),
  z.strictObject({ restart: z.string() }),
  z.strictObject({ hibernate: z.string() }),
  z.strictObject({ swap: z.string(), component: z.string().min(1) }),
  z.strictObject({ shadow: z.string(), component: z.string().min(1) }),
  z.strictObject({ promote: z.string() }),
  z.strictObject({ unshadow: z.string() }),
  z.strictObject({ snapshot: z.string().min(1) }),
]);

export const LINE_FORMS =
  '{"rom": "input/NAME", "text": "..."}, {"rom": "input/NAME", "base64": "..."}, {"kill": "CHILD"}, {"restart": "CHILD"}, {"hibernate": "CHILD"}, {"swap": "CHILD", "component": "PATH.wasm"}, ' +
  '{"shadow": "CHILD", "component": "PATH.wasm"}, {"promote": "CHILD"}, {"unshadow": "CHILD"} or {"snapshot": "PATH"}';

export type Command =
  | { readonly kind: 'publish'; readonly name: string; readonly content: Uint8Array }
  | { readonly kind: 'kill'; readonly child: string }
  | { readonly kind: 'restart'; readonly child: string }
  | { readonly kind: 'hibernate'; readonly child: string }
  | { readonly kind: 'swap'; readonly child: string; readonly component: string }
  | { readonly kind: 'shadow'; readonly child: string; readonly component: string }
  | { readonly kind: 'promote'; readonly child: string }
  | { readonly kind: 'unshadow'; readonly child: string }
  /** Write a snapshot of the host, after the steps before it, to `file`. */
  | { readonly kind: 'snapshot'; readonly file: string };

/** Parses one line; a component or snapshot path is resolved against `base` (the inputs file's folder, or the cwd). */
export function parseCommandLine(line: string, base: string): Command {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new Error(`not JSON: ${abbreviate(line)}; a line is ${LINE_FORMS}`);
  }
  const parsed = Line.safeParse(json);
  if (!parsed.success) throw new Error(`not a command: ${abbreviate(line)}; a line is ${LINE_FORMS}`);
  const value = parsed.data;
  if ('rom' in value) {
    const content = 'text' in value ? new TextEncoder().encode(value.text) : new Uint8Array(Buffer.from(value.base64, 'base64'));
    return { kind: 'publish', name: value.rom.slice('input/'.length), content };
  }
  if ('kill' in value) return { kind: 'kill', child: value.kill };
  if ('restart' in value) return { kind: 'restart', child: value.restart };
  if ('hibernate' in value) return { kind: 'hibernate', child: value.hibernate };
  if ('promote' in value) return { kind: 'promote', child: value.promote };
  if ('unshadow' in value) return { kind: 'unshadow', child: value.unshadow };
  if ('snapshot' in value) return { kind: 'snapshot', file: at(base, value.snapshot) };
  const component = at(base, value.component);
  return 'swap' in value ? { kind: 'swap', child: value.swap, component } : { kind: 'shadow', child: value.shadow, component };
}

/** `NAME=TEXT` from the command line. */
export function parseInputFlag(flag: string): Command {
  const at = flag.indexOf('=');
  if (at <= 0) throw new Error(`--input ${flag}: expected NAME=TEXT, e.g. --input pointer=10,20`);
  return { kind: 'publish', name: flag.slice(0, at), content: new TextEncoder().encode(flag.slice(at + 1)) };
}

const at = (base: string, path: string): string => (isAbsolute(path) ? path : resolve(base, path));

function abbreviate(line: string): string {
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

/** A command and where it came from, for messages: `--inputs steps.jsonl:3`, `stdin:2`. */
export type Located = { readonly command: Command; readonly at: string };

/** The commands on stdin, one JSON line each; a line that is none is told on stderr and skipped. */
export async function* stdinCommands(): AsyncGenerator<Located> {
  let n = 0;
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    n += 1;
    if (line.trim() === '') continue;
    try {
      yield { command: parseCommandLine(line, process.cwd()), at: `stdin:${n}` };
    } catch (e) {
      process.stderr.write(`romhost: stdin:${n}: ${(e as Error).message}\n`);
    }
  }
}
