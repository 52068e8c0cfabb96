import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { fail } from '../errors.js';
import { isInputSource } from '../scenario/index.js';
import { PackedSteps } from './packed-steps.js';
import { entrySchema, headerSchema, isEvent, JOURNAL_VERSION, type CausedEntry, type EventEntry, type JournalEntry, type JournalHeader } from './format.js';

/** One step of a recorded run: its event and what it caused. */
export interface JournalStep {
  readonly event: EventEntry;
  /** What it caused, in order: made from the packed journal (PackedSteps) each time it is asked for. */
  readonly caused: readonly CausedEntry[];
  /**
   * An input's bytes, decoded as the journal was read (a view into its packed bytes), as a program
   * that publishes holds its inputs: a replay hands them to its host as they are (Host.step), to
   * keep and never change. A step put together by hand may leave them to be decoded from `event`.
   */
  readonly content?: Uint8Array | undefined;
  /** Byte offset of the event's line in the file, for messages. */
  readonly offset: number;
}

export interface Journal {
  /** The file, as given. */
  readonly file: string;
  readonly header: JournalHeader;
  readonly steps: readonly JournalStep[];
}

/** A step of a journal read: the event kept as read, the rest in the journal's PackedSteps. */
class PackedStep implements JournalStep {
  constructor(
    readonly event: EventEntry,
    readonly offset: number,
    /** Its place among the steps `packed` holds. */
    readonly index: number,
    readonly packed: PackedSteps,
  ) {}

  get caused(): readonly CausedEntry[] {
    return this.packed.entries(this.index, this.event.step);
  }

  get content(): Uint8Array | undefined {
    return this.packed.input(this.index);
  }
}

/**
 * Steps packed, for a replay (HeardSteps): as readJournal packed them, when they are its steps in
 * its order (all of them or the first ones); otherwise (steps put together by hand, some left out,
 * or spliced from another journal) packed anew from their entries.
 */
export function packedSteps(steps: readonly JournalStep[]): PackedSteps {
  const first = steps[0];
  const packed = first instanceof PackedStep ? first.packed : undefined;
  if (packed !== undefined && steps.every((s, i) => s instanceof PackedStep && s.packed === packed && s.index === i)) return packed;
  const fresh = new PackedSteps();
  for (const { event, caused } of steps) {
    fresh.step(event);
    for (const entry of caused) fresh.caused(entry);
  }
  return fresh;
}

const versionSchema = z.object({ romhost: z.literal('journal'), version: z.number() });

export async function readJournal(file: string): Promise<Journal> {
  const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) =>
    fail('journal-unreadable', { file, reason: e.code === 'ENOENT' ? 'no such file' : e.message }, e),
  );
  return parseJournal(bytes, file);
}

/**
 * A journal from its bytes. Refuses, naming the file, byte offset and line: anything that is not
 * a journal, another format version, a line that is not JSON or not an entry, steps out of order,
 * and a last line cut short (a run killed while writing).
 */
export function parseJournal(bytes: Uint8Array, file: string): Journal {
  const reader = new EntryReader(file);
  // A leading byte order mark (an editor's) is not part of the first line.
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.byteLength - start);
  // Not UTF-8 somewhere: line by line, to say where.
  const text = isUtf8(body) ? body.toString('utf8') : undefined;
  if (text === undefined) {
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    for (let offset = start; offset < bytes.length; ) {
      const end = bytes.indexOf(0x0a, offset);
      let line: string | undefined;
      try {
        // A last line cut short may end inside a character: that it was cut short is the news.
        line = end === -1 ? '' : decoder.decode(bytes.subarray(offset, end));
      } catch {
        reader.next(offset);
        reader.damaged('the line is not JSON');
      }
      reader.line(line!, offset, end !== -1);
      offset = end + 1;
    }
  } else {
    // The whole file as one string, cut at each newline; byte offsets follow the characters while
    // they are ASCII, and are counted only for the rest.
    const ascii = text.length === bytes.length - start;
    let offset = start;
    for (let at = 0; at < text.length; ) {
      const end = text.indexOf('\n', at);
      const line = text.slice(at, end === -1 ? text.length : end);
      reader.line(line, offset, end !== -1);
      offset += (ascii ? line.length : Buffer.byteLength(line)) + 1;
      at = end + 1;
    }
  }
  return reader.journal();
}

/** Takes the lines of a journal one by one, checking each. */
class EntryReader {
  readonly #steps: PackedStep[] = [];
  #header: JournalHeader | undefined;
  readonly #packed = new PackedSteps();
  #lines = 0;
  #offset = 0;

  constructor(private readonly file: string) {}

  /** The next line, which starts at byte `offset`, is being read. */
  next(offset: number): void {
    this.#lines += 1;
    this.#offset = offset;
  }

  /** A line, without its newline, that starts at byte `offset`; `ended`: a newline followed it. */
  line(text: string, offset: number, ended: boolean): void {
    this.next(offset);
    if (!ended) this.damaged('the last line ends without a newline: the run that wrote it was cut short');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.damaged('the line is not JSON');
    }
    if (this.#header === undefined) {
      this.#header = header(value, this.file);
      return;
    }
    let entry: JournalEntry;
    if (isTextEntry(value)) {
      entry = value;
    } else {
      const parsed = entrySchema.safeParse(value);
      if (!parsed.success) this.damaged(entryProblem(value, parsed.error.issues));
      entry = parsed.data! as JournalEntry; // zod types optional keys as '| undefined'; JSON never holds undefined
    }
    // The schema checks the prefix; the name, as a host takes it, is checked here (a hand-edited line).
    if ('input' in entry && !isInputSource(entry.input)) {
      this.damaged(`"${entry.input}" is not an input: input/NAME, its NAME of letters, digits, '.', '_', '-' and '/' with no empty part`);
    }
    const last = this.#steps.at(-1);
    if (isEvent(entry)) {
      if (last && entry.step <= last.event.step) this.damaged(`step ${entry.step} comes after step ${last.event.step}`);
      this.#steps.push(new PackedStep(entry, offset, this.#steps.length, this.#packed));
      this.#packed.step(entry);
    } else {
      if (!last) this.damaged('what a step caused comes before any step');
      if (entry.step !== last!.event.step) this.damaged(`an entry of step ${entry.step} is among those of step ${last!.event.step}`);
      this.#packed.caused(entry as CausedEntry);
    }
  }

  /** The line being read is damaged; a first line that is not a header is not damage: the file is something else (a scenario, a log). */
  damaged(detail: string): never {
    if (this.#header === undefined) fail('journal-not-journal', { file: this.file });
    return fail('journal-damaged', { file: this.file, offset: this.#offset, line: this.#lines, detail });
  }

  journal(): Journal {
    if (this.#header === undefined) fail('journal-not-journal', { file: this.file });
    this.#packed.trim();
    return { file: this.file, header: this.#header!, steps: this.#steps };
  }
}

/** The first line: the version first, on the two keys every version keeps (a later version's header may hold more), then the rest. */
function header(value: unknown, file: string): JournalHeader {
  const versioned = versionSchema.safeParse(value);
  if (!versioned.success) fail('journal-not-journal', { file });
  if (versioned.data.version !== JOURNAL_VERSION) fail('journal-version', { file, version: versioned.data.version, supported: JOURNAL_VERSION });
  const parsed = headerSchema.safeParse(value);
  if (!parsed.success) fail('journal-not-journal', { file });
  return parsed.data;
}

/**
 * A report or input with its value as text, the bulk of any journal, checked by hand against the
 * schema's rules for it (and nothing else): the schema costs ~20 µs a line, which made reading a
 * journal slower than replaying it. Anything else goes to the schema.
 */
function isTextEntry(value: unknown): value is JournalEntry {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as { step?: unknown; report?: unknown; input?: unknown; text?: unknown };
  if (Object.keys(o).length !== 3 || typeof o.text !== 'string') return false;
  if (typeof o.step !== 'number' || !Number.isSafeInteger(o.step) || o.step <= 0) return false;
  return typeof o.report === 'string' || (typeof o.input === 'string' && o.input.startsWith('input/'));
}

/** The kinds of entry, by the key that names each: the first after `step` in each shape of the schema. */
const KINDS = entrySchema.options.map((o) => Object.keys(('options' in o ? o.options[0] : o).shape)[1]!);

/**
 * Why a line is not an entry, for a person. zod's error for a union names no branch ("Invalid
 * input"): the kind is the key the line has, and its branch is the one with the fewest issues.
 */
function entryProblem(value: unknown, issues: readonly z.core.$ZodIssue[]): string {
  const kinds = typeof value === 'object' && value !== null && !Array.isArray(value) ? KINDS.filter((k) => k in value) : [];
  if (kinds.length !== 1) return `not a journal entry: an entry is a JSON object with "step" and one of ${KINDS.map((k) => `"${k}"`).join(', ')}`;
  const closest = branches(issues).reduce((a, b) => (b.length < a.length ? b : a));
  const issue = closest[0]!;
  return `not a journal entry of kind "${kinds[0]}" (${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message})`;
}

/** The issues of each branch of (nested) unions, flattened: one list per alternative. */
function branches(issues: readonly z.core.$ZodIssue[]): (readonly z.core.$ZodIssue[])[] {
  const union = issues.length === 1 && issues[0]!.code === 'invalid_union' ? issues[0] : undefined;
  return union ? union.errors.flatMap((b) => branches(b)) : [issues];
}
