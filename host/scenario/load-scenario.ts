import { readFile } from 'node:fs/promises';
import { fail } from '../errors.js';
import type { Scenario } from './types.js';
import { parseScenario } from './parse-scenario.js';

/** The scenario in the file at `file` (a path, relative to the cwd or absolute). */
export async function loadScenario(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    fail('scenario-unreadable', { file, reason: osReason(error) }, error);
  }
  return parseScenario(text, file);
}

/** Node's errors say `ENOENT: no such file or directory, open '…'`: keep the words, drop the code and path. */
function osReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const match = /^[A-Z0-9]+: ([^,]+)/.exec(error.message);
  return match?.[1] ?? error.message;
}
