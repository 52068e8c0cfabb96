/**
 * The checks a schema cannot express, because they relate one field to another: every child's
 * component exists, every CHILD/REPORT route names a report some child declares, no report is
 * declared twice, no local ROM has two sources, and `*` stands only where a family's member key
 * can (family-routes.ts). Pure: a list of problems, in file order.
 */
import type { ScenarioFile } from './schema.js';
import type { Problem } from './describe-issue.js';
import { familyOf, keyOf } from './families.js';
import { familyRouteProblems } from './family-routes.js';
import { didYouMean } from './nearest-name.js';
import { parseSource } from './source.js';

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

    if (!Object.hasOwn(file.components, child.component)) {
      const known = componentNames.length === 0 ? ' (components is empty)' : didYouMean(child.component, componentNames);
      problems.push({
        path: at('component'),
        detail: `${subject}: component "${child.component}" is not in components${known}`,
      });
    }

    const seen = new Set<string>();
    (child.reports ?? []).forEach((report, i) => {
      if (seen.has(report)) problems.push({ path: at('reports', i), detail: `${subject}: report "${report}" is listed twice` });
      seen.add(report);
    });

    const wildcardProblems = familyRouteProblems(childName, child, Object.keys(file.children));
    problems.push(...wildcardProblems.map(({ rom, detail }) => ({ path: rom === undefined ? at() : at('roms', rom), detail })));
    const flagged = new Set(wildcardProblems.map((p) => p.rom));

    for (const [rom, route] of Object.entries(child.roms ?? {})) {
      if (flagged.has(rom)) continue;
      const source = parseSource(route);
      // A member's report (`room/7/count`) is declared by its family (`room/*`).
      const declaredAs = source.kind === 'report' ? `${familyOf(source.child) ?? source.child}/${source.report}` : '';
      if (source.kind === 'report' && !reported.has(declaredAs)) {
        // For a member, suggest its family's reports under its own key.
        const key = declaredAs.startsWith(`${source.child}/`) ? undefined : keyOf(source.child);
        const candidates = key === undefined ? reported : [...reported].filter((r) => r.includes('/*/')).map((r) => r.replace('/*/', `/${key}/`));
        problems.push({
          path: at('roms', rom),
          detail: `${subject}: rom "${rom}" routes to "${route}", which no child reports${didYouMean(route, candidates)}`,
        });
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
