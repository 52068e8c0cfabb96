import { readFile } from 'node:fs/promises';
import { compareCodeUnits } from './code-unit-order.js';
import { displayPath } from './display-path.js';
import type { Component, Engine } from './engine/index.js';
import { fail } from './errors.js';
import type { ComponentSource } from './host-api.js';
import { familyOf, type Scenario } from './scenario/index.js';

/** The host's component loading: files read and handed to the engine, each prepared for the memory caps that will run it. */

/**
 * Every component of a scenario, in name order, loaded before anything changes: each prepared for
 * the memory caps of the children that run it.
 */
export async function loadScenarioComponents(engine: Engine, scenario: Scenario): Promise<Map<string, Component>> {
  const components = new Map<string, Component>();
  for (const ref of Object.values(scenario.components).sort((a, b) => compareCodeUnits(a.name, b.name))) {
    const caps = new Set(scenario.children.filter((c) => c.component === ref.name).map((c) => c.limits.memory_mib));
    components.set(ref.name, await loadFile(engine, ref.path, caps.size > 0 ? [...caps] : [undefined]));
  }
  return components;
}

/**
 * A component for `child` of the scenario applied now, prepared for its memory cap as it is now:
 * the swap or shadow itself runs later, in its turn.
 */
export async function loadComponentFor(engine: Engine, applied: Scenario | undefined, child: string, source: ComponentSource): Promise<Component> {
  // A member (`room/42`) runs under its family's (`room/*`) limits.
  const named = familyOf(child) ?? child;
  const memoryMib = applied?.children.find((c) => c.name === child || c.name === named)?.limits.memory_mib;
  return typeof source === 'string'
    ? loadFile(engine, source, [memoryMib])
    : engine.load(source, `bytes for ${child}`, memoryMib === undefined ? {} : { memoryMib });
}

async function loadFile(engine: Engine, path: string, caps: readonly (number | undefined)[]): Promise<Component> {
  const label = displayPath(path);
  const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) =>
    fail('component-unreadable', { file: label, reason: e.code === 'ENOENT' ? 'no such file' : e.message }, e),
  );
  let component: Component | undefined;
  for (const memoryMib of caps) component = await engine.load(bytes, label, memoryMib === undefined ? {} : { memoryMib });
  return component!;
}
