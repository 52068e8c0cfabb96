import type { Component } from '../engine/index.js';
import { familyOf, keyOf, matchPattern, type ChildSpec, type SourcePattern } from '../scenario/index.js';
import type { FamilyState } from '../state/index.js';

/**
 * A family (`room/*`) as the lifecycle keeps it: its spec and component, shared by every member,
 * and the keys of the members that exist. That set is all a hibernated member costs: no Child, no
 * closure, no entry in the host's state (its ROM values are the router's, packed while it sleeps).
 */
export class Family {
  /** Member keys, in the order they were created. */
  readonly keys = new Set<string>();
  /** Members with an instance: kept by the lifecycle as members start and stop (children.ts, #warmAdd). */
  warm = 0;

  constructor(
    public spec: ChildSpec,
    public component: Component,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  /** The spec of one member: the family's, under the member's name. */
  memberSpec(member: string): ChildSpec {
    return { ...this.spec, name: member };
  }

  state(): FamilyState {
    const { hash, callPath } = this.component;
    return { name: this.name, component: hash, callPath, members: this.keys.size, warm: this.warm };
  }
}

/** The families of a host, by name. */
export class Families {
  readonly #byName = new Map<string, Family>();

  get size(): number {
    return this.#byName.size;
  }

  names(): string[] {
    return [...this.#byName.keys()];
  }

  get(name: string): Family | undefined {
    return this.#byName.get(name);
  }

  /** The family of a member's name, if that family exists. */
  of(member: string): Family | undefined {
    const family = familyOf(member);
    return family === undefined ? undefined : this.#byName.get(family);
  }

  /** Whether `member` names a member that was created (and its family is still there). */
  registered(member: string): boolean {
    return this.of(member)?.keys.has(keyOf(member)) === true;
  }

  /**
   * A new family. Members whose input is already there (a host resumed from a store, a family
   * added to a running scenario) are registered, hibernated: `inputs` are the family's creating
   * patterns, `sources` every source that has a value.
   */
  add(spec: ChildSpec, component: Component, inputs: readonly SourcePattern[], sources: Iterable<string>): Family {
    const family = new Family(spec, component);
    if (inputs.length > 0) {
      for (const source of sources) {
        if (!source.startsWith('input/')) continue;
        for (const pattern of inputs) {
          const key = matchPattern(pattern, source);
          if (key !== undefined) family.keys.add(key);
        }
      }
    }
    this.#byName.set(spec.name, family);
    return family;
  }

  delete(name: string): void {
    this.#byName.delete(name);
  }
}
