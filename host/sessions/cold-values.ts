/**
 * The ROM values of hibernated family members, packed: one string per member instead of a map
 * entry, a source name and a typed array per value. A million hibernated members are what a host
 * holds most of (DESIGN §7), and in that form a member's values cost about a fifth of the heap, and
 * leave the collector one object to trace instead of nine. A member's values are packed when it
 * hibernates and unpacked when anything but a read needs them (it wakes, or one of them changes).
 *
 * A record is a one-byte string (each char one byte, as V8 keeps strings of chars below 256): for
 * each value, the LEB128 length of its name, the name's UTF-8, the LEB128 length of the value and
 * its bytes. A name without '/' is a report of the member itself (`count` for `room/42/count`);
 * any other is the whole source (`input/room/42/msg`). Report names hold no '/', sources always do.
 */
export class ColdValues {
  readonly #records = new Map<string, string>();

  /** Members with packed values. */
  get size(): number {
    return this.#records.size;
  }

  has(member: string): boolean {
    return this.#records.has(member);
  }

  /** Moves the values `hot` holds of `sources` (the member's own) into one record; nothing when it holds none. */
  freeze(member: string, sources: readonly string[], hot: Map<string, Uint8Array>): void {
    const prefix = `${member}/`;
    const held: [Buffer, Uint8Array][] = [];
    let size = 0;
    for (const source of sources) {
      const value = hot.get(source);
      if (value === undefined) continue;
      const own = source.startsWith(prefix) && source.indexOf('/', prefix.length) < 0;
      const name = Buffer.from(own ? source.slice(prefix.length) : source, 'utf8');
      held.push([name, value]);
      size += lengthSize(name.length) + name.length + lengthSize(value.length) + value.length;
      hot.delete(source);
    }
    if (held.length === 0) return;
    const record = Buffer.allocUnsafe(size);
    let at = 0;
    for (const [name, value] of held) {
      at = writeLength(record, at, name.length);
      at += name.copy(record, at);
      at = writeLength(record, at, value.length);
      record.set(value, at);
      at += value.length;
    }
    this.#records.set(member, record.toString('latin1'));
  }

  /** Moves a member's values back into `hot`; false when it had no record. */
  thaw(member: string, hot: Map<string, Uint8Array>): boolean {
    const record = this.#records.get(member);
    if (record === undefined) return false;
    this.#records.delete(member);
    for (const [source, value] of unpack(member, record)) hot.set(source, value);
    return true;
  }

  /** One value of a member with a record, left packed: a read must not cost a wake's unpacking. */
  value(member: string, source: string): Uint8Array | undefined {
    const record = this.#records.get(member);
    if (record === undefined) return undefined;
    for (const [name, value] of unpack(member, record)) if (name === source) return value;
    return undefined;
  }

  /** Forgets a member's values (its family is gone). */
  delete(member: string): void {
    this.#records.delete(member);
  }

  /** Every packed value by source, members in no particular order. */
  *entries(): IterableIterator<[string, Uint8Array]> {
    for (const [member, record] of this.#records) yield* unpack(member, record);
  }
}

function lengthSize(length: number): number {
  let size = 1;
  for (let rest = length; rest >= 0x80; rest = Math.floor(rest / 0x80)) size += 1;
  return size;
}

/** LEB128: seven bits a byte, the high bit set on all but the last. */
function writeLength(record: Buffer, at: number, length: number): number {
  let rest = length;
  while (rest >= 0x80) {
    record[at++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  record[at++] = rest;
  return at;
}

function* unpack(member: string, record: string): IterableIterator<[string, Uint8Array]> {
  const bytes = Buffer.from(record, 'latin1');
  let at = 0;
  const length = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < bytes.length) {
    const nameLength = length();
    const name = bytes.toString('utf8', at, at + nameLength);
    at += nameLength;
    const valueLength = length();
    // A copy of its own: a view would keep the whole record's buffer alive, and share it.
    const value = new Uint8Array(valueLength);
    value.set(bytes.subarray(at, at + valueLength));
    at += valueLength;
    yield [name.includes('/') ? name : `${member}/${name}`, value];
  }
}
