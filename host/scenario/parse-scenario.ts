import path from 'node:path';
import { fail } from '../errors.js';
import type { ChildSpec, ComponentRef, RomSource, Scenario, SubsystemTexts } from './types.js';
import { scenarioFileSchema, type ScenarioFile } from './schema.js';
import { readYaml, type YamlFile } from './read-yaml.js';
import { describeIssues, type Problem } from './describe-issue.js';
import { protoKeyProblems } from './proto-keys.js';
import { checkReferences } from './check-references.js';
import { DEFAULT_LIMITS, DEFAULT_RESTART, mergeOverrides } from './limits.js';
import { parseSource } from './source.js';
import { encodeConfig } from './config-value.js';
import { compareCodeUnits } from '../code-unit-order.js';

/** The name to give `parseScenario` for text that comes from no file; paths resolve against the cwd. */
const INLINE = '<inline>';

/**
 * A scenario from its YAML text. `file` names it in messages and anchors relative component
 * paths. Throws `scenario-invalid` (`FILE:LINE: DETAIL`) for the earliest problem in the file:
 * first the shape (schema.ts), then, once the shape is right, the references between fields.
 */
export function parseScenario(text: string, file: string, subsystems: SubsystemTexts = {}): Scenario {
  const yaml = readYaml(text, file);
  const protoKeys = protoKeyProblems(yaml.value);
  const parsed = scenarioFileSchema.safeParse(yaml.value, { reportInput: true });
  if (!parsed.success) return reject(file, yaml, [...protoKeys, ...describeIssues(parsed.error.issues)]);
  const problems = [...protoKeys, ...checkReferences(parsed.data)];
  if (problems.length > 0) return reject(file, yaml, problems);

  const base = file === INLINE ? process.cwd() : path.dirname(path.resolve(file));
  return build(parsed.data, file, text, base, yaml);
}

/** Fails with the problem on the earliest line; among equals, the first found. */
function reject(file: string, yaml: YamlFile, problems: readonly Problem[]): never {
  let first = { line: Infinity, detail: 'the scenario is invalid' };
  for (const problem of problems) {
    const line = yaml.lineOf(problem.path);
    if (line < first.line) first = { line, detail: problem.detail };
  }
  return fail('scenario-invalid', { file, line: Number.isFinite(first.line) ? first.line : 1, detail: first.detail });
}

function build(data: ScenarioFile, file: string, text: string, base: string, yaml: YamlFile): Scenario {
  const components: Record<string, ComponentRef> = Object.fromEntries(
    Object.entries(data.components).map(([name, wasm]) => [
      name,
      { name, path: path.resolve(base, wasm), line: yaml.lineOf(['components', name]) },
    ]),
  );
  const limits = mergeOverrides(DEFAULT_LIMITS, data.limits);
  const restart = mergeOverrides(DEFAULT_RESTART, data.restart);
  const children = Object.entries(data.children)
    .sort(([a], [b]) => compareCodeUnits(a, b))
    .map(
      ([name, child]): ChildSpec => ({
        name,
        component: child.component,
        roms: Object.fromEntries(
          Object.entries(child.roms ?? {}).map(([rom, route]): [string, RomSource] => [rom, parseSource(route)]),
        ),
        config: Object.fromEntries(Object.entries(child.config ?? {}).map(([rom, v]) => [rom, encodeConfig(v)])),
        reports: [...(child.reports ?? [])],
        limits: mergeOverrides(limits, child.limits),
        restart: mergeOverrides(restart, child.restart),
        line: yaml.lineOf(['children', name]),
      }),
    );
  return { file, text, components, children, limits, restart, subsystems: [] };
}
