import { createHost, type Host, type HostOptions } from '../index.js';
import { journalFolder, Recorder } from './recorder.js';
import { parseJournal, type Journal } from './read-journal.js';
import { JOURNAL_HEADER, journalLine } from './write-journal.js';

export interface RecordRunOptions {
  /**
   * The file the journal would have been written to: it anchors the paths the journal records,
   * as `romhost run --record FILE` would, and names the journal in messages.
   */
  readonly file: string;
  readonly host?: HostOptions;
}

/**
 * Records what `drive` does to a fresh host (apply a scenario, publish inputs, ...) as a journal
 * in memory: a reference to check or replay against without writing a file. The lines are the
 * ones `recordJournal` writes, read back by `parseJournal`, so the result is exactly the journal
 * the file would have held.
 */
export async function recordRun(drive: (host: Host) => Promise<void>, options: RecordRunOptions): Promise<Journal> {
  const host = createHost(options.host ?? {});
  const lines = [journalLine(JOURNAL_HEADER)];
  const recorder = new Recorder(host, (entry) => void lines.push(journalLine(entry)), journalFolder(options.file));
  try {
    await drive(host);
  } finally {
    recorder.stop();
    await host.close();
  }
  return parseJournal(new TextEncoder().encode(lines.join('')), options.file);
}
