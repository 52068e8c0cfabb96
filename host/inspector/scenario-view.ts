import { compareCodeUnits } from '../code-unit-order.js';
import { formatSource, type Scenario } from '../index.js';
import type { ScenarioView } from './protocol.js';

/** What the page draws of a scenario: children, their routes as source text, the component names. */
export function scenarioView(scenario: Scenario): ScenarioView {
  return {
    file: scenario.file,
    components: Object.keys(scenario.components).sort(compareCodeUnits),
    children: scenario.children.map((child) => ({
      name: child.name,
      component: child.component,
      roms: Object.fromEntries(Object.entries(child.roms).map(([local, source]) => [local, formatSource(source)])),
      config: Object.keys(child.config),
      reports: child.reports,
    })),
  };
}
