import { familyOf, isFamily, keyOf, matchPattern, resolvePattern, sourcePattern, type ChildSpec, type Scenario } from '../scenario/index.js';

/**
 * What the cluster needs to know of a scenario, child by child, for static children and family
 * members alike: which children an input addresses (they are claimed on it), which inputs a
 * child routes (its checkpoint keeps their values) and which reports it makes.
 */
export class ClusterScenario {
  readonly #specs: ReadonlyMap<string, ChildSpec>;

  constructor(readonly scenario: Scenario) {
    this.#specs = new Map(scenario.children.map((c) => [c.name, c]));
  }

  /** The static children, in the scenario's order. */
  statics(): string[] {
    return this.scenario.children.filter((c) => !isFamily(c.name)).map((c) => c.name);
  }

  /** The spec of a static child or of a member's family; undefined for a name the scenario does not know. */
  spec(child: string): ChildSpec | undefined {
    const family = familyOf(child);
    return (family !== undefined ? this.#specs.get(family) : undefined) ?? this.#specs.get(child);
  }

  /** The children that route `source` (`input/NAME`): static ones, and the members whose family's pattern it matches. */
  addressedBy(source: string): string[] {
    const children: string[] = [];
    for (const spec of this.scenario.children) {
      for (const rom of Object.values(spec.roms)) {
        if (rom.kind !== 'input') continue;
        const routed = `input/${rom.name}`;
        if (!isFamily(spec.name)) {
          if (routed === source) children.push(spec.name);
          continue;
        }
        // A family's input without a `*` is shared by its members: it addresses none in particular.
        if (!hasWildcard(routed)) continue;
        const key = matchPattern(sourcePattern(routed), source);
        if (key !== undefined) children.push(`${spec.name.slice(0, -1)}${key}`);
      }
    }
    return [...new Set(children)];
  }

  /** The inputs a child routes, as sources (`input/room/42/msg`). */
  inputs(child: string): string[] {
    const spec = this.spec(child);
    if (!spec) return [];
    const member = isFamily(spec.name);
    return Object.values(spec.roms).flatMap((rom) => {
      if (rom.kind !== 'input') return [];
      const routed = `input/${rom.name}`;
      return [member && hasWildcard(routed) ? resolvePattern(sourcePattern(routed), keyOf(child)) : routed];
    });
  }

  /** The report names a child may submit. */
  reports(child: string): readonly string[] {
    return this.spec(child)?.reports ?? [];
  }

  /** The values of a child's reports that `read` has (a host's `read`), by report name: what its checkpoint keeps. */
  reportValues(child: string, read: (source: string) => Uint8Array | undefined): Record<string, Uint8Array> {
    return valuesOf(this.reports(child), (report) => read(`${child}/${report}`));
  }

  /** The values of the inputs a child routes that `read` has, by source: what its checkpoint keeps beside its reports. */
  inputValues(child: string, read: (source: string) => Uint8Array | undefined): Record<string, Uint8Array> {
    return valuesOf(this.inputs(child), read);
  }
}

const hasWildcard = (source: string): boolean => source.split('/').includes('*');

function valuesOf(keys: readonly string[], read: (key: string) => Uint8Array | undefined): Record<string, Uint8Array> {
  const values: Record<string, Uint8Array> = {};
  for (const key of keys) {
    const value = read(key);
    if (value !== undefined) values[key] = value;
  }
  return values;
}
