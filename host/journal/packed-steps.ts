import { decodeBytes, type Bytes, type CausedEntry, type EventEntry } from './format.js';

const encoder = new TextEncoder();
// ignoreBOM: a value that starts with U+FEFF keeps it (json-value.ts).
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * A journal's steps packed, as it is read: the bytes of every input and report change in one
 * buffer, report names as indexes into a list of names, each once; faults and lifecycle entries,
 * few, kept as entries. A journal's bulk is report changes; as objects and strings they cost
 * most of the reading (kept, each is copied by the collector until it settles in the old
 * generation) and ten times the memory. A replay compares each report its host tells with the next
 * item here, read in order from a few typed arrays (replay-throughput, bench/RESULTS.md); what a
 * step caused is made back into entries only when asked for (`entries`).
 */
export class PackedSteps {
  readonly #names: string[] = [];
  readonly #ids = new Map<string, number>();
  /**
   * Per item, what it is: a report change as twice its name's index, plus one when its journal
   * line gave its bytes as base64; an entry kept as such as -1 - its index in #kept.
   */
  #kinds = new Int32Array(1024);
  /** Per item: where its bytes start and end in #bytes (inputs' bytes may lie between two items'). */
  #spans = new Int32Array(2048);
  #items = 0;
  readonly #kept: CausedEntry[] = [];
  #bytes = new Uint8Array(16384);
  #size = 0;
  /** Per step: its first item, and where its input's bytes start and end (-1: it is no input). */
  #starts = new Int32Array(256);
  #inputs = new Int32Array(512);
  #steps = 0;

  /** The next step: its event, whose items follow. */
  step(event: EventEntry): void {
    if (this.#steps === this.#starts.length) {
      this.#starts = grown(this.#starts, this.#steps + 1);
      this.#inputs = grown(this.#inputs, 2 * (this.#steps + 1));
    }
    this.#starts[this.#steps] = this.#items;
    const at = this.#size;
    const input = 'input' in event;
    if (input) this.#pack(event);
    this.#inputs[2 * this.#steps] = input ? at : -1;
    this.#inputs[2 * this.#steps + 1] = this.#size;
    this.#steps += 1;
  }

  /** What the step last begun caused, next. */
  caused(entry: CausedEntry): void {
    if (this.#items === this.#kinds.length) {
      this.#kinds = grown(this.#kinds, this.#items + 1);
      this.#spans = grown(this.#spans, 2 * (this.#items + 1));
    }
    this.#spans[2 * this.#items] = this.#size;
    if ('report' in entry) {
      let id = this.#ids.get(entry.report);
      if (id === undefined) this.#ids.set(entry.report, (id = this.#names.push(entry.report) - 1));
      this.#kinds[this.#items] = 2 * id + ('text' in entry ? 0 : 1);
      this.#pack(entry);
    } else {
      this.#kinds[this.#items] = -1 - (this.#kept.push(entry) - 1);
    }
    this.#spans[2 * this.#items++ + 1] = this.#size;
  }

  /** Once every step is in: gives back the room its arrays grew ahead of what they hold. */
  trim(): void {
    this.#kinds = this.#kinds.slice(0, this.#items);
    this.#spans = this.#spans.slice(0, 2 * this.#items);
    this.#bytes = this.#bytes.slice(0, this.#size);
    this.#starts = this.#starts.slice(0, this.#steps);
    this.#inputs = this.#inputs.slice(0, 2 * this.#steps);
  }

  /** The bytes of step `index`'s input (its place among the steps, from 0), undefined when it is no input: a view, not a copy. */
  input(index: number): Uint8Array | undefined {
    const start = this.#inputs[2 * index]!;
    // A view made directly: `subarray` looks up the species constructor on every call.
    return start < 0 ? undefined : new Uint8Array(this.#bytes.buffer, start, this.#inputs[2 * index + 1]! - start);
  }

  /** The first item of step `index`; past the last step, the end of all. */
  first(index: number): number {
    return index < this.#steps ? this.#starts[index]! : this.#items;
  }

  /** The first item after step `index`'s last. */
  end(index: number): number {
    return this.first(index + 1);
  }

  /** Whether item `item` is a change of `source` to `content`. */
  isReport(item: number, source: string, content: Uint8Array): boolean {
    const kind = this.#kinds[item]!;
    if (kind < 0 || this.#names[kind >> 1] !== source) return false;
    const start = this.#spans[2 * item]!;
    const length = this.#spans[2 * item + 1]! - start;
    if (length !== content.length) return false;
    const bytes = this.#bytes;
    for (let i = 0; i < length; i++) if (bytes[start + i] !== content[i]) return false;
    return true;
  }

  /** Whether item `item` is a lifecycle entry, which a replay does not compare. */
  isLifecycle(item: number): boolean {
    const kind = this.#kinds[item]!;
    return kind < 0 && 'lifecycle' in this.#kept[-1 - kind]!;
  }

  /** Item `item` as its journal entry, in step `step`. */
  entry(item: number, step: number): CausedEntry {
    const kind = this.#kinds[item]!;
    if (kind < 0) return this.#kept[-1 - kind]!;
    const bytes = this.#bytes.subarray(this.#spans[2 * item]!, this.#spans[2 * item + 1]!);
    const report = this.#names[kind >> 1]!;
    return (kind & 1) === 0 ? { step, report, text: decoder.decode(bytes) } : { step, report, base64: Buffer.from(bytes).toString('base64') };
  }

  /** Everything step `index` caused, as entries, in order; `step` is its number. */
  entries(index: number, step: number): CausedEntry[] {
    const entries: CausedEntry[] = [];
    for (let item = this.first(index); item < this.end(index); item++) entries.push(this.entry(item, step));
    return entries;
  }

  /** Appends a value's bytes. Short ASCII text, the bulk, is copied by hand. */
  #pack(value: Bytes): void {
    const text = 'text' in value ? value.text : undefined;
    const bytes = text === undefined ? decodeBytes(value) : undefined;
    // UTF-8 takes at most three bytes per UTF-16 unit.
    const most = text === undefined ? bytes!.length : 3 * text.length;
    if (this.#size + most > this.#bytes.length) this.#bytes = grown(this.#bytes, this.#size + most);
    const into = this.#bytes;
    if (bytes !== undefined) {
      into.set(bytes, this.#size);
      this.#size += bytes.length;
      return;
    }
    const at = this.#size;
    for (let i = 0; i < text!.length; i++) {
      const c = text!.charCodeAt(i);
      if (c >= 0x80) {
        this.#size = at + encoder.encodeInto(text!, into.subarray(at)).written;
        return;
      }
      into[at + i] = c;
    }
    this.#size = at + text!.length;
  }
}

/** A copy of `array` with room for at least `size` elements, and twice as many as it had at least. */
function grown<T extends Int32Array | Uint8Array>(array: T, size: number): T {
  const next = new (array.constructor as new (length: number) => T)(Math.max(size, array.length * 2));
  next.set(array);
  return next;
}
