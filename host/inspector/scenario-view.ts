import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { compareCodeUnits } from '../code-unit-order.js';
import { formatSource, type Scenario } from '../index.js';
import { jsonFields } from '../json-value.js';
import type { ScenarioView } from './protocol.js';

/**
 * What the page draws of a scenario: children, their routes as source text, and the components by
 * name with their hashes (SHA-256 of the file, as host/state names them), so the page can say
 * which one a child runs after a swap.
 */
export function scenarioView(scenario: Scenario): ScenarioView {
  return {
    file: scenario.file,
    components: Object.values(scenario.components)
      .sort((a, b) => compareCodeUnits(a.name, b.name))
      .map(({ name, path }) => ({ name, hash: fileHash(path) })),
    children: scenario.children.map((child) => ({
      name: child.name,
      component: child.component,
      roms: Object.fromEntries(Object.entries(child.roms).map(([local, source]) => [local, formatSource(source)])),
      config: Object.fromEntries(Object.entries(child.config).map(([local, value]) => [local, jsonFields(value)])),
      reports: child.reports,
    })),
  };
}

function fileHash(path: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return null; // gone from disk since it was loaded: the page shows the hash host/state gives
  }
}
