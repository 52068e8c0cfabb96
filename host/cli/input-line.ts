import { z } from 'zod';

/** One input as a JSON line, on stdin or in an `--inputs` file: `{"rom": "input/NAME", "text" | "base64": ...}`. */
const InputLine = z.union([
  z.strictObject({ rom: z.string().startsWith('input/'), text: z.string() }),
  z.strictObject({ rom: z.string().startsWith('input/'), base64: z.base64() }),
]);

export interface Input {
  /** Without the `input/` prefix. */
  readonly name: string;
  readonly content: Uint8Array;
}

/** Parses one line; the error says what a line must look like. */
export function parseInputLine(line: string): Input {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new Error(`not JSON: ${abbreviate(line)}; an input line is {"rom": "input/NAME", "text": "..."} or {"rom": "input/NAME", "base64": "..."}`);
  }
  const parsed = InputLine.safeParse(json);
  if (!parsed.success) {
    throw new Error(`not an input: ${abbreviate(line)}; an input line is {"rom": "input/NAME", "text": "..."} or {"rom": "input/NAME", "base64": "..."}`);
  }
  const value = parsed.data;
  const content = 'text' in value ? new TextEncoder().encode(value.text) : new Uint8Array(Buffer.from(value.base64, 'base64'));
  return { name: value.rom.slice('input/'.length), content };
}

/** `NAME=TEXT` from the command line. */
export function parseInputFlag(flag: string): Input {
  const at = flag.indexOf('=');
  if (at <= 0) throw new Error(`--input ${flag}: expected NAME=TEXT, e.g. --input pointer=10,20`);
  return { name: flag.slice(0, at), content: new TextEncoder().encode(flag.slice(at + 1)) };
}

function abbreviate(line: string): string {
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}
