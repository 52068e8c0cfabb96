import { resolve } from 'node:path';
import { parseScenario, type Scenario } from '../index.js';
import type { EventEntry } from './format.js';

export type ApplyEntry = Extract<EventEntry, { apply: unknown }>;

/** The scenario an apply entry recorded, its files (and its subsystems') relative to the journal's `folder`. */
export function appliedScenario({ apply }: ApplyEntry, folder: string): Scenario {
  const subsystems = Object.fromEntries(Object.entries(apply.subsystems ?? {}).map(([name, s]) => [name, { file: resolve(folder, s.file), text: s.text }]));
  return parseScenario(apply.text, resolve(folder, apply.file), subsystems);
}
