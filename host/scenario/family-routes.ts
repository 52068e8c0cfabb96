/**
 * Where a `*` may stand in a route (docs/scenario.md, Families): only in a family's routes, once,
 * for the member's key: in an input's name (`input/room/STAR/msg`: the inputs that create members and
 * reach them) or in place of a family member's key (`room/STAR/state`: the member's own report, or the
 * member of the same key of another family; STAR is `*`). A family's route without a `*` would be one source
 * feeding every member, a million wakes for one change: such values go under `config`.
 */
import type { ScenarioFile } from './schema.js';
import { isFamily, wildcards } from './families.js';
import { parseSource } from './source.js';

/** A problem of one child's routes: at one rom, or (no rom) at the child's entry. */
export interface RouteProblem {
  readonly rom?: string;
  readonly detail: string;
}

type ChildEntry = ScenarioFile['children'][string];

export function familyRouteProblems(name: string, child: ChildEntry, children: readonly string[]): RouteProblem[] {
  const problems: RouteProblem[] = [];
  const family = isFamily(name);
  const subject = family ? `family "${name}"` : `child "${name}"`;
  let creates = false;
  for (const [rom, route] of Object.entries(child.roms ?? {})) {
    const count = wildcards(route);
    const at = (detail: string) => problems.push({ rom, detail: `${subject}: rom "${rom}" routes to "${route}": ${detail}` });
    if (count > 1) {
      at("a route holds at most one * (the member's key)");
      continue;
    }
    if (!family) {
      if (count === 1) at(`only a family (a child named NAME/*) may route with *, which stands for a member's key; name one member (e.g. "${route.replace('*', '7')}")`);
      continue;
    }
    if (count === 0) {
      at(`every member would share it, and a change would wake them all: a family routes sources of its member, with * for its key (e.g. input/${name.slice(0, -2)}/*/${rom}); put constant values under config`);
      continue;
    }
    const source = parseSource(route);
    if (source.kind === 'input') creates = true;
    else if (source.kind === 'report' && !isFamily(source.child)) at("the * must stand for a family member's key, as in FAMILY/*/REPORT");
  }
  if (family && !creates && problems.length === 0) {
    problems.push({
      detail: `${subject}: no rom routes from an input with * (e.g. input/${name.slice(0, -2)}/*/msg), so no member could ever be created`,
    });
  }
  const base = name.slice(0, -2);
  if (family && children.includes(base)) {
    problems.push({ detail: `${subject} and child "${base}" share the name "${base}": their reports would mix; rename one` });
  }
  return problems;
}
