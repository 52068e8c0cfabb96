import { createWriteStream } from 'node:fs';
import type { Host } from '../index.js';
import { JOURNAL_VERSION, JOURNAL_WORLD, type JournalEntry, type JournalHeader } from './format.js';
import { journalFolder, Recorder } from './recorder.js';

export interface JournalWriter {
  /** Entries written so far, the header not counted. */
  readonly entries: number;
  /** Stops recording and waits until every line is in the file. */
  close(): Promise<void>;
}

export const JOURNAL_HEADER: JournalHeader = { romhost: 'journal', version: JOURNAL_VERSION, world: JOURNAL_WORLD };

/** The journal line of an entry: its JSON, keys in the order they were built. */
export const journalLine = (entry: JournalEntry | JournalHeader): string => `${JSON.stringify(entry)}\n`;

/**
 * Records everything `host` does from now on into `file` (created or truncated): start it before
 * the first `apply`. Lines are buffered by the stream and written in order; nothing in them
 * depends on time, so the same scenario and inputs give the same bytes.
 */
export function recordJournal(host: Host, file: string): JournalWriter {
  const out = createWriteStream(file);
  let failure: Error | undefined;
  out.on('error', (e) => (failure ??= e));
  out.write(journalLine(JOURNAL_HEADER));
  let entries = 0;
  const recorder = new Recorder(
    host,
    (entry) => {
      entries += 1;
      out.write(journalLine(entry));
    },
    journalFolder(file),
  );
  return {
    get entries() {
      return entries;
    },
    async close() {
      recorder.stop();
      await new Promise<void>((resolve) => out.end(resolve));
      if (failure) throw new Error(`journal ${file} could not be written: ${failure.message}`);
    },
  };
}
