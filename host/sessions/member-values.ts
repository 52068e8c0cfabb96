import { ColdValues } from './cold-values.js';

/**
 * The ROM values that belong to family members (DESIGN §7): each member's own reports and the
 * inputs that address it, kept together by member. A warm member's are unpacked in a small map of
 * its own, a hibernated member's packed in one record (cold-values.ts).
 *
 * Why by member: a wake unpacks one member's values and the hibernation that makes room for it packs
 * another's. In one map of every warm member's values, keyed by source, each of those six values
 * was an insertion or a removal among ~30,000 string keys, each walking a chain of other keys that
 * are nowhere in the cache: ~1 µs apiece, the largest part of a wake but for its instance
 * (bench/RESULTS.md). By member, each is one insertion or removal of the member's map.
 */
export class MemberValues {
  /** Warm members' values: member → source → value. */
  readonly #warm = new Map<string, Map<string, Uint8Array>>();
  readonly #cold = new ColdValues();
  /**
   * The member last unpacked from a record, until the router clears it at the end of each step:
   * a member with a record exists (only members are packed), which spares a wake a lookup among
   * every member's keys to tell a woken member from a new one.
   */
  thawed: string | undefined;

  /** The value of `source`, one of `member`'s own; a packed one is read without unpacking the rest. */
  value(member: string, source: string): Uint8Array | undefined {
    const warm = this.#warm.get(member);
    return warm === undefined ? this.#cold.value(member, source) : warm.get(source);
  }

  /**
   * A member's values unpacked, to be read and changed from now on: they are read again and again
   * while it runs. An empty map for a member that has none yet.
   */
  unpacked(member: string): Map<string, Uint8Array> {
    let values = this.#warm.get(member);
    if (values === undefined) {
      values = new Map();
      if (this.#cold.thaw(member, values)) this.thawed = member;
      this.#warm.set(member, values);
    }
    return values;
  }

  /** Forgets one of a member's values. */
  delete(member: string, source: string): void {
    if (this.#warm.get(member) !== undefined || this.#cold.has(member)) this.unpacked(member).delete(source);
  }

  /** Packs a member's values, as it hibernates: a hibernated member's are read seldom, and there may be a million. */
  freeze(member: string): void {
    const warm = this.#warm.get(member);
    if (warm === undefined) return;
    this.#warm.delete(member);
    this.#cold.freeze(member, warm);
  }

  /** Unpacks every packed member `which` picks: for a route table that no longer says their values are theirs. */
  unpackEach(which: (member: string) => boolean): void {
    for (const member of [...this.#cold.members()]) if (which(member)) this.unpacked(member);
    this.thawed = undefined;
  }

  /** Every member's unpacked values, by member: for a new route table to sort them anew (source-values.ts). */
  unpackedMembers(): IterableIterator<[string, Map<string, Uint8Array>]> {
    return this.#warm.entries();
  }

  /** Forgets a member's unpacked values: the caller has taken them elsewhere. */
  dropUnpacked(member: string): void {
    this.#warm.delete(member);
  }

  /** Every value by source, members in no particular order. */
  *entries(): IterableIterator<[string, Uint8Array]> {
    for (const warm of this.#warm.values()) yield* warm;
    yield* this.#cold.entries();
  }
}
