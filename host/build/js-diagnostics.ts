/**
 * StarlingMonkey's reports of a failed build, as romhost's one-line faults. It prints them to
 * stderr while the top level runs: `FILE:LINE:COL Message` (FILE relative to the component's
 * folder, or the generated bindings' own path for a module that lacks an export the world needs),
 * followed by the source line and a caret, and for a throw by a stack.
 */
import { join } from 'node:path';

export interface JsFault {
  /** `FILE` or `FILE:LINE:COL`, FILE within the component's folder. */
  readonly file: string;
  readonly reason: string;
}

/** `FILE:LINE:COL Message`, as the engine starts each line of a report. */
const LOCATED = /^(\S+?):(\d+):(\d+) (.*)$/;

/**
 * The first located message in `output`, placed in `dir`; a message located in the bindings
 * (`bindings`) is about the source as a whole, and its continuation lines are joined to it.
 */
export function engineFault(output: string, dir: string, source: string, bindings: string): JsFault | undefined {
  const lines = output.split('\n');
  const first = lines.findIndex((line) => LOCATED.test(line));
  if (first === -1) return undefined;
  const [, file, line, column, message] = LOCATED.exec(lines[first]!)!;
  if (`/${file}` !== bindings && file !== bindings) {
    return { file: `${join(dir, file!)}:${line}:${column}`, reason: message!.replace(/:$/, '') };
  }
  const prefix = `${file}:${line}:${column} `;
  const continued = lines
    .slice(first)
    .filter((l) => l.startsWith(prefix))
    .map((l) => l.slice(prefix.length).trim())
    .filter((l) => l !== '');
  return { file: source, reason: continued.join(' ') };
}
