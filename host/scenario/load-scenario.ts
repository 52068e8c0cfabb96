import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fail } from '../errors.js';
import type { Scenario, SubsystemTexts } from './types.js';
import { parseScenario, subsystemFiles } from './parse-scenario.js';

/** The scenario in the file at `file` (a path, relative to the cwd or absolute), with the files of its subsystems. */
export async function loadScenario(file: string): Promise<Scenario> {
  const text = await readScenarioText(file);
  return parseScenario(text, file, await loadSubsystemTexts(text, file));
}

/**
 * The texts of the subsystems a scenario's text names, at every depth, by subsystem name
 * (`office`, `office/inner`): what `parseScenario` needs besides the text itself.
 */
export async function loadSubsystemTexts(text: string, file: string, prefix = '', chain: readonly string[] = [path.resolve(file)]): Promise<SubsystemTexts> {
  const texts: Record<string, { file: string; text: string }> = {};
  for (const sub of subsystemFiles(text, file)) {
    const resolved = path.resolve(sub.file);
    // Any cycle of files comes back to one on the chain: no depth limit is needed besides.
    if (chain.includes(resolved)) {
      const detail = `subsystem "${sub.name}": ${sub.file} contains itself (through ${chain.map((f) => path.basename(f)).join(' → ')}): a subsystem cannot hold its own scenario`;
      fail('scenario-invalid', { file, line: sub.line, detail });
    }
    const subText = await readScenarioText(sub.file);
    const name = `${prefix}${sub.name}`;
    texts[name] = { file: sub.file, text: subText };
    Object.assign(texts, await loadSubsystemTexts(subText, sub.file, `${name}/`, [...chain, resolved]));
  }
  return texts;
}

async function readScenarioText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    return fail('scenario-unreadable', { file, reason: osReason(error) }, error);
  }
}

/** Node's errors say `ENOENT: no such file or directory, open '…'`: keep the words, drop the code and path. */
function osReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const match = /^[A-Z0-9]+: ([^,]+)/.exec(error.message);
  return match?.[1] ?? error.message;
}

/**
 * `scenario` with its subsystem `name` (`office`, `office/inner`) running the scenario in `file`
 * instead: the same parent, the other subsystem's files read. Throws as `loadScenario` does, naming
 * `file`, when it does not fit: say it lacks an input its parent maps or a report its parent routes.
 */
export async function replaceSubsystem(scenario: Scenario, name: string, file: string): Promise<Scenario> {
  const inside = (s: { name: string }) => s.name === name || s.name.startsWith(`${name}/`);
  const texts: Record<string, { file: string; text: string }> = subsystemTexts({ subsystems: scenario.subsystems.filter((s) => !inside(s)) });
  const text = await readScenarioText(file);
  texts[name] = { file, text };
  Object.assign(texts, await loadSubsystemTexts(text, file, `${name}/`, [path.resolve(scenario.file), path.resolve(file)]));
  return parseScenario(scenario.text, scenario.file, texts);
}

/** The texts a scenario's subsystems were built from, by name: with its own text, all `parseScenario` needs to build it again. */
export function subsystemTexts(scenario: Pick<Scenario, 'subsystems'>): Record<string, { file: string; text: string }> {
  return Object.fromEntries(scenario.subsystems.map((s) => [s.name, { file: s.file, text: s.text }]));
}
