import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { fail } from '../errors.js';
import { entrySchema, headerSchema, isEvent, JOURNAL_VERSION, type CausedEntry, type EventEntry, type JournalEntry, type JournalHeader } from './format.js';

/** One step of a recorded run: its event and what it caused. */
export interface JournalStep {
  readonly event: EventEntry;
  readonly caused: readonly CausedEntry[];
  /** Byte offset of the event's line in the file, for messages. */
  readonly offset: number;
}

export interface Journal {
  /** The file, as given. */
  readonly file: string;
  readonly header: JournalHeader;
  readonly steps: readonly JournalStep[];
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
  const steps: { event: EventEntry; caused: CausedEntry[]; offset: number }[] = [];
  let header: JournalHeader | undefined;
  let offset = 0;
  let line = 0;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  while (offset < bytes.length) {
    line += 1;
    const end = bytes.indexOf(0x0a, offset);
    // A first line that is not a journal's header is not damage: the file is something else (a scenario, a log).
    const damaged = (detail: string): never => (header === undefined ? fail('journal-not-journal', { file }) : fail('journal-damaged', { file, offset, line, detail }));
    if (end === -1) damaged('the last line ends without a newline: the run that wrote it was cut short');
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(bytes.subarray(offset, end)));
    } catch {
      damaged('the line is not JSON');
    }
    if (header === undefined) {
      // The version first, on the two keys every version keeps: a later version's header may hold more.
      const versioned = versionSchema.safeParse(value);
      if (!versioned.success) fail('journal-not-journal', { file });
      if (versioned.data.version !== JOURNAL_VERSION) fail('journal-version', { file, version: versioned.data.version, supported: JOURNAL_VERSION });
      const parsed = headerSchema.safeParse(value);
      if (!parsed.success) fail('journal-not-journal', { file });
      header = parsed.data;
    } else {
      const parsed = entrySchema.safeParse(value);
      if (!parsed.success) damaged(entryProblem(value, parsed.error.issues));
      const entry = parsed.data! as JournalEntry; // zod types optional keys as '| undefined'; JSON never holds undefined
      const last = steps.at(-1);
      if (isEvent(entry)) {
        if (last && entry.step <= last.event.step) damaged(`step ${entry.step} comes after step ${last.event.step}`);
        steps.push({ event: entry, caused: [], offset });
      } else {
        if (!last) damaged('what a step caused comes before any step');
        if (entry.step !== last!.event.step) damaged(`an entry of step ${entry.step} is among those of step ${last!.event.step}`);
        last!.caused.push(entry as CausedEntry);
      }
    }
    offset = end + 1;
  }
  if (header === undefined) fail('journal-not-journal', { file });
  return { file, header, steps };
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
