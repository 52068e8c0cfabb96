/**
 * Mounting a subsystem (docs/scenario.md, Subsystems): the children of a scenario that is itself a
 * child, renamed into the parent's namespace. `office/layouter` is the child `layouter` of the
 * subsystem `office`; its routes to its siblings become routes to `office/SIBLING/REPORT`; its
 * routes from the subsystem's inputs become whatever the parent's entry maps them to (a source of
 * the parent, or a config value), and read none when unmapped, as a component's unrouted ROM does.
 * Two subsystems of one file so share nothing but their components' compiled code.
 */
import { fail } from '../errors.js';
import { mergeOverrides } from './limits.js';
import { didYouMean } from './nearest-name.js';
import { isFamily } from './families.js';
import type { ScenarioFile } from './schema.js';
import { parseSource } from './source.js';
import { encodeConfig } from './config-value.js';
import type { ChildSpec, ComponentRef, RomSource, Scenario, SubsystemSpec } from './types.js';
import type { FieldPath } from './yaml-lines.js';

type ChildEntry = ScenarioFile['children'][string];

/** A subsystem's entry in its parent's file, and where to point at it. */
export interface MountPoint {
  /** Its name in the parent: `office`. */
  readonly name: string;
  readonly entry: ChildEntry;
  /** The parent's file, for messages. */
  readonly file: string;
  lineOf(path: FieldPath): number;
}

/** What a mounted subsystem adds to its parent: children, components and subsystems, all under its name. */
export interface Mounted {
  readonly children: readonly ChildSpec[];
  readonly components: readonly ComponentRef[];
  readonly subsystems: readonly SubsystemSpec[];
}

export function mountSubsystem(at: MountPoint, sub: Scenario): Mounted {
  const { name, entry } = at;
  const invalid = (path: FieldPath, detail: string): never =>
    fail('scenario-invalid', { file: at.file, line: at.lineOf(['children', name, ...path]), detail: `subsystem "${name}": ${detail}` });

  const family = sub.children.find((c) => isFamily(c.name));
  if (family) invalid([], `${sub.file} has a family ("${family.name}"): a family cannot live inside a subsystem yet; give it to the top scenario`);

  const inputs = inputsOf(sub);
  for (const [field, map] of [['roms', entry.roms], ['config', entry.config]] as const) {
    for (const rom of Object.keys(map ?? {})) {
      if (!inputs.has(rom)) {
        const known = inputs.size === 0 ? ' (it has none)' : `${didYouMean(rom, inputs)} (its inputs: ${[...inputs].join(', ')})`;
        invalid([field, rom], `"${rom}" is no input of ${sub.file}${known}`);
      }
    }
  }
  const reported = sub.children.flatMap((c) => c.reports.map((r) => `${c.name}/${r}`));
  (entry.reports ?? []).forEach((report, i) => {
    if (!reported.includes(report)) invalid(['reports', i], `${sub.file} has no report "${report}"${didYouMean(report, reported)} (its reports: ${reported.join(', ') || 'none'})`);
  });

  const inner = (child: string) => `${name}/${child}`;
  const mapped = new Map<string, RomSource>(Object.entries(entry.roms ?? {}).map(([rom, route]) => [rom, parseSource(route)]));
  const constant = new Map(Object.entries(entry.config ?? {}).map(([rom, value]) => [rom, encodeConfig(value)]));
  const children = sub.children.map((child): ChildSpec => {
    const roms: Record<string, RomSource> = {};
    const config: Record<string, Uint8Array> = { ...child.config };
    for (const [rom, source] of Object.entries(child.roms)) {
      if (source.kind === 'report') roms[rom] = { ...source, child: inner(source.child) };
      else if (source.kind === 'host-state') roms[rom] = source;
      else if (mapped.has(source.name)) roms[rom] = mapped.get(source.name)!;
      else if (constant.has(source.name)) config[rom] = constant.get(source.name)!;
      // Unmapped: no route, so it reads none.
    }
    return {
      ...child,
      name: inner(child.name),
      component: inner(child.component),
      roms,
      config,
      limits: mergeOverrides(child.limits, entry.limits),
      restart: mergeOverrides(child.restart, entry.restart),
    };
  });
  const components = Object.values(sub.components).map((ref) => ({ ...ref, name: inner(ref.name) }));
  const self: SubsystemSpec = { name, file: sub.file, text: sub.text, reports: [...(entry.reports ?? [])], line: at.lineOf(['children', name]) };
  return { children, components, subsystems: [self, ...sub.subsystems.map((s) => ({ ...s, name: inner(s.name) }))] };
}

/** The input names a scenario's children read, in name order: what a parent may map. */
function inputsOf(scenario: Scenario): Set<string> {
  const names = scenario.children.flatMap((c) => Object.values(c.roms).flatMap((s) => (s.kind === 'input' ? [s.name] : [])));
  return new Set([...new Set(names)].sort());
}
