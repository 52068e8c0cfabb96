/**
 * The ROM values of hibernated family members, packed (member-values.ts keeps them, and the warm
 * members' unpacked): one string per member instead of a map entry, a source name and a typed
 * array per value. A million hibernated members are what a host holds most of (DESIGN §7), and in
 * that form a member's values cost about a fifth of the heap, and leave the collector one object to
 * trace instead of nine. A member's values are packed when it hibernates and unpacked when
 * anything but a read needs them (it wakes, or one of them changes).
 *
 * A record is a one-byte string (each char one byte, as V8 keeps strings of chars below 256): for
 * each value, the LEB128 length of the value, its bytes, the LEB128 length of its name and the
 * name's UTF-8. A name without '/' is a report of the member itself (`count` for `room/42/count`);
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

  /** The members with a record. */
  members(): IterableIterator<string> {
    return this.#records.keys();
  }

  /** Packs a member's values (its own sources) into one record; none when it has none. */
  freeze(member: string, values: ReadonlyMap<string, Uint8Array>): void {
    const prefix = `${member}/`;
    let at = 0;
    for (const [source, value] of values) {
      const own = source.startsWith(prefix) && source.indexOf('/', prefix.length) < 0;
      const name = own ? source.slice(prefix.length) : source;
      at = writeName(name, writeValue(value, at));
    }
    if (at > 0) this.#records.set(member, scratch.toString('latin1', 0, at));
  }

  /** Moves a member's values into `hot`; false when it had no record. */
  thaw(member: string, hot: Map<string, Uint8Array>): boolean {
    const record = this.#records.get(member);
    if (record === undefined) return false;
    this.#records.delete(member);
    unpack(member, record, (source, value) => void hot.set(source, value));
    return true;
  }

  /** One value of a member with a record, left packed: a read must not cost a wake's unpacking. */
  value(member: string, source: string): Uint8Array | undefined {
    const record = this.#records.get(member);
    if (record === undefined) return undefined;
    let found: Uint8Array | undefined;
    unpack(member, record, (name, value) => (name === source ? ((found = value), true) : false));
    return found;
  }

  /** Forgets a member's values (its family is gone). */
  delete(member: string): void {
    this.#records.delete(member);
  }

  /** Every packed value by source, members in no particular order. */
  *entries(): IterableIterator<[string, Uint8Array]> {
    for (const [member, record] of this.#records) {
      const values: [string, Uint8Array][] = [];
      unpack(member, record, (source, value) => void values.push([source, value]));
      yield* values;
    }
  }
}

/**
 * Where records are put together: one buffer, grown as needed, so that packing a member allocates
 * nothing but the record's string.
 */
let scratch = Buffer.allocUnsafe(4096);

function room(at: number, more: number): void {
  if (at + more <= scratch.length) return;
  const grown = Buffer.allocUnsafe(Math.max(scratch.length * 2, at + more));
  scratch.copy(grown, 0, 0, at);
  scratch = grown;
}

/** LEB128 (seven bits a byte, the high bit set on all but the last) of `length` at `at`. */
function writeLength(at: number, length: number): number {
  room(at, 5);
  let rest = length;
  while (rest >= 0x80) {
    scratch[at++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  scratch[at++] = rest;
  return at;
}

/** A value's length, then its bytes. */
function writeValue(value: Uint8Array, at: number): number {
  at = writeLength(at, value.length);
  room(at, value.length);
  scratch.set(value, at);
  return at + value.length;
}

/** A name's UTF-8 length, then its UTF-8: ASCII (nearly every name) byte by byte. */
function writeName(name: string, at: number): number {
  let ascii = true;
  for (let i = 0; i < name.length && ascii; i++) ascii = name.charCodeAt(i) < 0x80;
  if (!ascii) {
    const bytes = Buffer.from(name, 'utf8');
    at = writeLength(at, bytes.length);
    room(at, bytes.length);
    bytes.copy(scratch, at);
    return at + bytes.length;
  }
  at = writeLength(at, name.length);
  room(at, name.length);
  for (let i = 0; i < name.length; i++) scratch[at + i] = name.charCodeAt(i);
  return at + name.length;
}

/**
 * Each value of a record with its source, straight from the string (a char is a byte), until
 * `visit` returns true. Each value is a copy of its own: a view would share one buffer among them.
 */
function unpack(member: string, record: string, visit: (source: string, value: Uint8Array) => boolean | void): void {
  let at = 0;
  const length = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = record.charCodeAt(at++);
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < record.length) {
    const valueLength = length();
    const value = new Uint8Array(valueLength);
    if (valueLength <= 64) for (let i = 0; i < valueLength; i++) value[i] = record.charCodeAt(at + i);
    else Buffer.from(value.buffer, value.byteOffset, valueLength).write(record.slice(at, at + valueLength), 'latin1');
    at += valueLength;
    const nameLength = length();
    let name = record.slice(at, at + nameLength);
    for (let i = 0; i < nameLength; i++) {
      if (name.charCodeAt(i) >= 0x80) {
        name = Buffer.from(name, 'latin1').toString('utf8');
        break;
      }
    }
    at += nameLength;
    if (visit(name.includes('/') ? name : `${member}/${name}`, value) === true) return;
  }
}
