/**
 * What a parent's file alone can say is wrong with a subsystem's entry (docs/scenario.md,
 * Subsystems). What needs the subsystem's own file (its inputs, the reports it lets out) is
 * checked when it is mounted: mount-subsystem.ts.
 */
import type { ScenarioFile } from './schema.js';
import { isFamily } from './families.js';

type ChildEntry = ScenarioFile['children'][string];

export interface EntryProblem {
  /** Below the child's entry. */
  readonly path: readonly PropertyKey[];
  readonly detail: string;
}

export function subsystemProblems(name: string, child: ChildEntry, children: readonly string[]): EntryProblem[] {
  const subject = `child "${name}"`;
  const problems: EntryProblem[] = [];
  if (isFamily(name)) {
    problems.push({ path: ['scenario'], detail: `${subject}: a family's members run a component: a family cannot be a subsystem` });
  }
  if (children.includes(`${name}/*`)) {
    problems.push({ path: [], detail: `subsystem "${name}" and family "${name}/*" share the name "${name}": their children's names would mix; rename one` });
  }
  (child.reports ?? []).forEach((report, i) => {
    if (!report.includes('/')) {
      problems.push({
        path: ['reports', i],
        detail: `${subject}: report "${report}": a subsystem lets out sources of its scenario, CHILD/REPORT (e.g. layouter/${report})`,
      });
    }
  });
  return problems;
}
