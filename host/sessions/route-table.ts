import { familyOf, formatSource, isFamily, sourcePattern, type Scenario, type SourcePattern } from '../scenario/index.js';
import { compareCodeUnits } from '../code-unit-order.js';

/** A child's local ROM fed by a source. */
export interface Subscriber {
  readonly child: string;
  readonly rom: string;
}

/** Where a local ROM gets its value: a source's key (`CHILD/REPORT`, `input/NAME`, `host/state`) or inline bytes. */
export type Route = string | Uint8Array;

/** Where a family member's local ROM gets its value: a source with `*` for the member's key, or inline bytes. */
export type MemberRoute = SourcePattern | Uint8Array;

/** A family's routes, shared by all its members: nothing is kept per member. */
export interface FamilyRoutes {
  /** `room/*` */
  readonly family: string;
  /** Local ROM name → route, in the scenario's order. */
  readonly routes: ReadonlyMap<string, MemberRoute>;
}

/**
 * One of a family's routes as the router matches sources against it: a source that fits
 * `pattern` feeds local ROM `rom` of the member whose key it holds.
 */
export interface FamilySubscriber {
  readonly family: string;
  readonly rom: string;
  readonly pattern: SourcePattern;
  /** An input's pattern: the input creates the member it addresses. A report's only reaches members that exist. */
  readonly creates: boolean;
}

export interface RouteTable {
  /** Source key → the local ROMs it feeds, in fan-out order: by child name, then by local name. */
  readonly subscribers: ReadonlyMap<string, readonly Subscriber[]>;
  /** Child → local ROM name → route, in the scenario's order. Static children only. */
  readonly routes: ReadonlyMap<string, ReadonlyMap<string, Route>>;
  /** Family name → its routes. */
  readonly families: ReadonlyMap<string, FamilyRoutes>;
  /** Every family route with a `*`, by family name then local name: matched against each source that changes. */
  readonly patterns: readonly FamilySubscriber[];
}

export const EMPTY_TABLE: RouteTable = { subscribers: new Map(), routes: new Map(), families: new Map(), patterns: [] };

/** The family of `table` that `child` is a member of: `office/layouter`, a subsystem's child, is none. */
export function memberFamily(table: RouteTable, child: string): string | undefined {
  if (table.families.size === 0) return undefined;
  const family = familyOf(child);
  return family !== undefined && table.families.has(family) ? family : undefined;
}

/** The routing policy of a scenario, as lookup tables. Pure. */
export function routeTable(scenario: Scenario): RouteTable {
  const subscribers = new Map<string, Subscriber[]>();
  const routes = new Map<string, Map<string, Route>>();
  const families = new Map<string, FamilyRoutes>();
  const patterns: FamilySubscriber[] = [];
  for (const child of scenario.children) {
    if (isFamily(child.name)) {
      const local = new Map<string, MemberRoute>();
      for (const [rom, source] of Object.entries(child.roms)) {
        const pattern = sourcePattern(formatSource(source));
        local.set(rom, pattern);
        patterns.push({ family: child.name, rom, pattern, creates: source.kind === 'input' });
      }
      for (const [rom, value] of Object.entries(child.config)) local.set(rom, value);
      families.set(child.name, { family: child.name, routes: local });
      continue;
    }
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
  patterns.sort((a, b) => compareCodeUnits(a.family, b.family) || compareCodeUnits(a.rom, b.rom));
  return { subscribers, routes, families, patterns };
}
