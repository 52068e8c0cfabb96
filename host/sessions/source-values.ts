import { compareCodeUnits } from '../code-unit-order.js';
import { matchPattern, memberName } from '../scenario/index.js';
import { MemberValues } from './member-values.js';
import { EMPTY_TABLE, memberFamily, type RouteTable } from './route-table.js';

/**
 * The latest value of every source (`CHILD/REPORT`, `input/NAME`, `host/state`): those that belong
 * to a family member kept by member (member-values.ts), every other one in a map of its own. Which
 * member a source belongs to is a function of the route table (`ownerOf`); a new table puts every
 * unpacked value where it now says.
 */
export class SourceValues {
  /** By source: every value that is no family member's own. */
  readonly #values = new Map<string, Uint8Array>();
  readonly #members = new MemberValues();
  #table: RouteTable = EMPTY_TABLE;

  /** The route table that says which sources are whose. */
  set table(table: RouteTable) {
    const before = this.#table;
    this.#table = table;
    if (before.patterns.length > 0 || table.patterns.length > 0) this.#rehome(before);
  }

  /**
   * The family member whose own value `source` is, if any: a member's report (`room/42/count`), or
   * an input a family's pattern routes to it, which creates it (`input/room/42/msg`; the first such
   * pattern's, in table order).
   */
  ownerOf(source: string): string | undefined {
    const table = this.#table;
    if (table.families.size === 0) return undefined;
    // An input is no member's report (no child is called `input`): only a family's pattern can route it.
    if (!source.startsWith('input/')) {
      const member = source.slice(0, source.lastIndexOf('/'));
      return memberFamily(table, member) === undefined ? undefined : member;
    }
    for (const p of table.patterns) {
      if (!p.creates) continue;
      const key = matchPattern(p.pattern, source);
      if (key !== undefined) return memberName(p.family, key);
    }
    return undefined;
  }

  get(source: string): Uint8Array | undefined {
    const value = this.#values.get(source);
    if (value !== undefined) return value;
    const owner = this.ownerOf(source);
    return owner === undefined ? undefined : this.#members.value(owner, source);
  }

  /** The map that holds `source`'s value, to read and set it in: its owner's, unpacked, or the one of every other source. */
  home(source: string): Map<string, Uint8Array> {
    const owner = this.ownerOf(source);
    return owner === undefined ? this.#values : this.#members.unpacked(owner);
  }

  delete(source: string): void {
    const owner = this.ownerOf(source);
    if (owner === undefined) this.#values.delete(source);
    else this.#members.delete(owner, source);
  }

  /**
   * Unpacks a member's values, which it reads again and again while it runs. True when they were
   * packed, earlier in this step or now: then it surely exists (`endStep` forgets that).
   */
  unpack(member: string): boolean {
    this.#members.unpacked(member);
    return this.#members.thawed === member;
  }

  /** A member unpacked in a step is known to exist within it only: after it, its family may go. */
  endStep(): void {
    this.#members.thawed = undefined;
  }

  /** Packs a hibernating member's values, until it wakes or one of them changes. */
  freeze(member: string): void {
    this.#members.freeze(member);
  }

  /** Every source with a value, in no particular order. */
  *sources(): IterableIterator<string> {
    yield* this.#values.keys();
    for (const [source] of this.#members.entries()) yield source;
  }

  /** Every source with its value, sorted by source. */
  sorted(): [string, Uint8Array][] {
    return [...this.#values, ...this.#members.entries()].sort(([a], [b]) => compareCodeUnits(a, b));
  }

  /**
   * Under a new table a source may belong to another member, or to none. Packed values stay packed
   * where their family's routes that create members are the same as under `before` (a new
   * component, say), and are unpacked where they changed: the table no longer says they are the member's.
   */
  #rehome(before: RouteTable): void {
    const changed = new Set([...before.families.keys()].filter((family) => creating(before, family) !== creating(this.#table, family)));
    if (changed.size > 0) this.#members.unpackEach((member) => changed.has(memberFamily(before, member)!));
    const moved: [string, Uint8Array][] = [];
    for (const [source, value] of this.#values) {
      if (this.ownerOf(source) !== undefined) moved.push([source, value]);
    }
    for (const [source] of moved) this.#values.delete(source);
    for (const [member, values] of [...this.#members.unpackedMembers()]) {
      for (const [source, value] of values) {
        if (this.ownerOf(source) === member) continue;
        moved.push([source, value]);
        values.delete(source);
      }
      if (values.size === 0) this.#members.dropUnpacked(member);
    }
    for (const [source, value] of moved) this.home(source).set(source, value);
  }
}

/** A family's creating patterns in `table`, as text to compare; '' for a family it has not. */
function creating(table: RouteTable, family: string): string {
  if (!table.families.has(family)) return '';
  return JSON.stringify(table.patterns.filter((p) => p.family === family && p.creates).map((p) => [p.pattern.prefix, p.pattern.suffix]));
}
