/**
 * The checks a schema cannot express, because they relate one field to another: every child has
 * a component that exists or is a subsystem, every CHILD/REPORT route names a report some child
 * declares (or a subsystem lets out), no report is declared twice, no local ROM has two sources,
 * and `*` stands only where a family's member key can (family-routes.ts). What a subsystem's own
 * file holds is checked when it is mounted (subsystems.ts). Pure: a list of problems, in file order.
 */
import type { ScenarioFile } from './schema.js';
import type { Problem } from './describe-issue.js';
import { familyOf, keyOf } from './families.js';
import { familyRouteProblems } from './family-routes.js';
import { didYouMean } from './nearest-name.js';
import { parseSource } from './source.js';
import { subsystemProblems } from './subsystem-entry.js';

/** For a report of a child inside a subsystem of `file` (`office/layouter`, `window_layout`): the subsystem and the source as it says it (`layouter/window_layout`). */
function subsystemOf(file: ScenarioFile, child: string, report: string): [string, string] | undefined {
  const slash = child.indexOf('/');
  const name = child.slice(0, slash);
  if (slash < 0 || file.children[name]?.scenario === undefined) return undefined;
  return [name, `${child.slice(slash + 1)}/${report}`];
}

export function checkReferences(file: ScenarioFile): Problem[] {
  const problems: Problem[] = [];
  const componentNames = Object.keys(file.components);
  const reported = new Set<string>();
  for (const [childName, child] of Object.entries(file.children)) {
    for (const report of child.reports ?? []) reported.add(`${childName}/${report}`);
  }

  for (const [childName, child] of Object.entries(file.children)) {
    const at = (...path: PropertyKey[]) => ['children', childName, ...path];
    const subject = `child "${childName}"`;

    if (child.component !== undefined && child.scenario !== undefined) {
      problems.push({ path: at('scenario'), detail: `${subject}: has both component and scenario: a child runs a component or is a subsystem, not both` });
    } else if (child.component === undefined && child.scenario === undefined) {
      problems.push({ path: at(), detail: `${subject}: needs component: (the component it runs) or scenario: (the file of the subsystem it is)` });
    } else if (child.component === undefined) {
      problems.push(...subsystemProblems(childName, child, Object.keys(file.children)).map(({ path, detail }) => ({ path: at(...path), detail })));
    } else if (!Object.hasOwn(file.components, child.component)) {
      const known = componentNames.length === 0 ? ' (components is empty)' : didYouMean(child.component, componentNames);
      problems.push({
        path: at('component'),
        detail: `${subject}: component "${child.component}" is not in components${known}`,
      });
    }

    const seen = new Set<string>();
    (child.reports ?? []).forEach((report, i) => {
      if (seen.has(report)) problems.push({ path: at('reports', i), detail: `${subject}: report "${report}" is listed twice` });
      else if (child.component !== undefined && report.includes('/')) {
        problems.push({ path: at('reports', i), detail: `${subject}: report "${report}": a component's report name has no '/'` });
      }
      seen.add(report);
    });

    const wildcardProblems = familyRouteProblems(childName, child, Object.keys(file.children));
    problems.push(...wildcardProblems.map(({ rom, detail }) => ({ path: rom === undefined ? at() : at('roms', rom), detail })));
    const flagged = new Set(wildcardProblems.map((p) => p.rom));

    for (const [rom, route] of Object.entries(child.roms ?? {})) {
      if (flagged.has(rom)) continue;
      const source = parseSource(route);
      // A member's report (`room/7/count`) is declared by its family (`room/*`); a subsystem's, by its exports.
      const declaredAs = source.kind === 'report' ? `${familyOf(source.child) ?? source.child}/${source.report}` : '';
      const inside = source.kind === 'report' ? subsystemOf(file, source.child, source.report) : undefined;
      if (inside !== undefined) {
        const [subsystem, own] = inside;
        if (!(file.children[subsystem]?.reports ?? []).includes(own)) {
          problems.push({
            path: at('roms', rom),
            detail: `${subject}: rom "${rom}" routes to "${route}", which subsystem "${subsystem}" does not let out: add "${own}" to its reports`,
          });
        }
      } else if (source.kind === 'report' && !reported.has(declaredAs)) {
        // For a member, suggest its family's reports under its own key.
        const key = declaredAs.startsWith(`${source.child}/`) ? undefined : keyOf(source.child);
        const candidates = key === undefined ? reported : [...reported].filter((r) => r.includes('/*/')).map((r) => r.replace('/*/', `/${key}/`));
        problems.push({
          path: at('roms', rom),
          detail: `${subject}: rom "${rom}" routes to "${route}", which no child reports${didYouMean(route, candidates)}`,
        });
      }
    }

    if (child.component !== undefined) {
      for (const field of ['roms', 'config'] as const) {
        for (const rom of Object.keys(child[field] ?? {})) {
          if (rom.includes('/')) problems.push({ path: at(field, rom), detail: `${subject}: rom "${rom}": a component's local ROM name has no '/' (a subsystem's inputs may)` });
        }
      }
    }

    for (const rom of Object.keys(child.config ?? {})) {
      if (Object.hasOwn(child.roms ?? {}, rom)) {
        problems.push({
          path: at('config', rom),
          detail: `${subject}: rom "${rom}" is in both roms and config: a local ROM has one source, remove one`,
        });
      }
    }
  }
  return problems;
}
