import { closeSync, openSync } from 'node:fs';
import type { Host } from '../index.js';
import { JOURNAL_VERSION, JOURNAL_WORLD, type JournalEntry, type JournalHeader } from './format.js';
import { LineBuffer } from './line-buffer.js';
import { acceptedEntry, faultEntry, journalFolder, journalPath, lifecycleEntry, tapHost } from './recorder.js';

export interface JournalWriter {
  /** Entries written so far, the header not counted. */
  readonly entries: number;
  /** Stops recording and waits until every line is in the file. */
  close(): Promise<void>;
}

export const JOURNAL_HEADER: JournalHeader = { romhost: 'journal', version: JOURNAL_VERSION, world: JOURNAL_WORLD };

/** The journal line of an entry: its JSON, keys in the order they were built. */
export const journalLine = (entry: JournalEntry | JournalHeader): string => `${JSON.stringify(entry)}\n`;

/** Lines are written in batches of this many bytes: one system call each. A write to a growing file costs less per byte the larger it is (~0.5 ns at 256 KiB, ~0.65 at 64 KiB). */
const BATCH = 256 * 1024;

/**
 * Records everything `host` does from now on into `file` (created or truncated; throws at once
 * when it cannot be): start it before the first `apply`. Nothing in the lines depends on time, so
 * the same scenario and inputs give the same bytes.
 *
 * Lines are collected as bytes and written synchronously in batches: when a batch is full, and
 * when the event loop next turns (so a live run's journal is current after each step). A stream
 * would queue every line as a chunk of its own until the event loop turns, which a program
 * publishing in a loop of awaits never lets it do: memory and garbage would grow with the run.
 * The host is heard through its tap (Host.tap), which hands over each report as its step, source
 * and bytes: no object per report, nothing through RxJS. Reports and inputs go into the batch
 * straight from their bytes (LineBuffer); the rest, rare, as `journalLine` renders their entries.
 * record-overhead in bench/RESULTS.md has the figures.
 */
export function recordJournal(host: Host, file: string): JournalWriter {
  const fail = (e: unknown) => new Error(`journal ${file} could not be written: ${(e as Error).message}`);
  let fd: number;
  try {
    fd = openSync(file, 'w');
  } catch (e) {
    throw fail(e);
  }
  const lines = new LineBuffer(fd, BATCH);
  let scheduled: NodeJS.Immediate | undefined;
  let failure: Error | undefined;
  const flush = () => {
    if (scheduled) clearImmediate(scheduled), (scheduled = undefined);
    if (failure) return;
    try {
      lines.flush();
    } catch (e) {
      failure = fail(e); // said at close: a recording must not stop the run it records
    }
  };
  let entries = 0;
  let closed = false;
  /** After each line: the batch is written when full, or when the event loop turns. */
  const wrote = () => {
    entries += 1;
    if (lines.size >= BATCH) flush();
    else scheduled ??= setImmediate(flush);
  };
  const path = journalPath(journalFolder(file));
  lines.line(journalLine(JOURNAL_HEADER));
  const untap = tapHost(host, {
    event: (step, e) => {
      if (e.kind === 'publish') lines.bytesEntry(step, 'input', e.source, e.content);
      else lines.line(journalLine(acceptedEntry(step, e, path)));
      wrote();
    },
    report: (step, source, content) => (lines.bytesEntry(step, 'report', source, content), wrote()),
    fault: (f) => (lines.line(journalLine(faultEntry(f))), wrote()),
    lifecycle: (e) => (lines.line(journalLine(lifecycleEntry(e))), wrote()),
  });
  flush();
  return {
    get entries() {
      return entries;
    },
    async close() {
      if (closed) return;
      closed = true;
      untap();
      flush();
      closeSync(fd);
      if (failure) throw failure;
    },
  };
}
