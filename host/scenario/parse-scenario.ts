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
import { mountSubsystem } from './mount-subsystem.js';

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
  return build(parsed.data, file, text, base, yaml, subsystems);
}

/**
 * The subsystems a scenario's file names directly, with their files (relative to its folder, or
 * absolute): what `loadScenario` reads before it parses. Throws as `parseScenario` does for a file
 * whose shape is wrong.
 */
export function subsystemFiles(text: string, file: string): { name: string; file: string; line: number }[] {
  const yaml = readYaml(text, file);
  const parsed = scenarioFileSchema.safeParse(yaml.value, { reportInput: true });
  if (!parsed.success) return reject(file, yaml, describeIssues(parsed.error.issues));
  const folder = file === INLINE ? '' : path.dirname(file);
  return Object.entries(parsed.data.children)
    .filter(([, child]) => child.component === undefined && child.scenario !== undefined)
    .sort(([a], [b]) => compareCodeUnits(a, b))
    .map(([name, child]) => ({
      name,
      file: path.isAbsolute(child.scenario!) ? child.scenario! : path.join(folder, child.scenario!),
      line: yaml.lineOf(['children', name, 'scenario']),
    }));
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

function build(data: ScenarioFile, file: string, text: string, base: string, yaml: YamlFile, texts: SubsystemTexts): Scenario {
  const components: Record<string, ComponentRef> = Object.fromEntries(
    Object.entries(data.components).map(([name, wasm]) => [
      name,
      { name, path: path.resolve(base, wasm), line: yaml.lineOf(['components', name]) },
    ]),
  );
  const limits = mergeOverrides(DEFAULT_LIMITS, data.limits);
  const restart = mergeOverrides(DEFAULT_RESTART, data.restart);
  const mounted = Object.entries(data.children)
    .filter(([, child]) => child.component === undefined)
    .map(([name, entry]) => mountSubsystem({ name, entry, file, lineOf: yaml.lineOf }, subsystemScenario(name, texts, file, yaml)));
  for (const ref of mounted.flatMap((m) => m.components)) components[ref.name] = ref;
  const children = Object.entries(data.children)
    .filter(([, child]) => child.component !== undefined)
    .map(
      ([name, child]): ChildSpec => ({
        name,
        component: child.component!,
        roms: Object.fromEntries(
          Object.entries(child.roms ?? {}).map(([rom, route]): [string, RomSource] => [rom, parseSource(route)]),
        ),
        config: Object.fromEntries(Object.entries(child.config ?? {}).map(([rom, v]) => [rom, encodeConfig(v)])),
        reports: [...(child.reports ?? [])],
        limits: mergeOverrides(limits, child.limits),
        restart: mergeOverrides(restart, child.restart),
        line: yaml.lineOf(['children', name]),
      }),
    )
    .concat(mounted.flatMap((m) => m.children))
    .sort((a, b) => compareCodeUnits(a.name, b.name));
  const subsystems = mounted.flatMap((m) => m.subsystems).sort((a, b) => compareCodeUnits(a.name, b.name));
  return { file, text, components, children, limits, restart, subsystems };
}

/** The subsystem `name` of a scenario, built from its text in `texts`, its own subsystems' texts under `name/`. */
function subsystemScenario(name: string, texts: SubsystemTexts, file: string, yaml: YamlFile): Scenario {
  const given = texts[name];
  if (given === undefined) {
    const detail = `subsystem "${name}": the text of its scenario was not given (parseScenario's third argument; loadScenario reads the files)`;
    fail('scenario-invalid', { file, line: yaml.lineOf(['children', name]), detail });
  }
  const prefix = `${name}/`;
  const inner = Object.fromEntries(Object.entries(texts).flatMap(([key, value]) => (key.startsWith(prefix) ? [[key.slice(prefix.length), value]] : [])));
  return parseScenario(given.text, given.file, inner);
}
