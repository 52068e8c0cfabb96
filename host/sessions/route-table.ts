import { formatSource, type Scenario } from '../scenario/index.js';
import { compareCodeUnits } from '../code-unit-order.js';

/** A child's local ROM fed by a source. */
export interface Subscriber {
  readonly child: string;
  readonly rom: string;
}

/** Where a local ROM gets its value: a source's key (`CHILD/REPORT`, `input/NAME`, `host/state`) or inline bytes. */
export type Route = string | Uint8Array;

export interface RouteTable {
  /** Source key → the local ROMs it feeds, in fan-out order: by child name, then by local name. */
  readonly subscribers: ReadonlyMap<string, readonly Subscriber[]>;
  /** Child → local ROM name → route, in the scenario's order. */
  readonly routes: ReadonlyMap<string, ReadonlyMap<string, Route>>;
}

/** The routing policy of a scenario, as lookup tables. Pure. */
export function routeTable(scenario: Scenario): RouteTable {
  const subscribers = new Map<string, Subscriber[]>();
  const routes = new Map<string, Map<string, Route>>();
  for (const child of scenario.children) {
    const local = new Map<string, Route>();
    for (const [rom, source] of Object.entries(child.roms)) {
      const key = formatSource(source);
      local.set(rom, key);
      let list = subscribers.get(key);
      if (!list) subscribers.set(key, (list = []));
      list.push({ child: child.name, rom });
    }
    for (const [rom, value] of Object.entries(child.config)) local.set(rom, value);
    routes.set(child.name, local);
  }
  for (const list of subscribers.values()) list.sort((a, b) => compareCodeUnits(a.child, b.child) || compareCodeUnits(a.rom, b.rom));
  return { subscribers, routes };
}
