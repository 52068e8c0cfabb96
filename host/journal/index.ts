/** The journal: recording a run, reading it back, replaying it and comparing (DESIGN §3.7, §9). */
export { JOURNAL_VERSION, JOURNAL_WORLD, decodeBytes, isEvent } from './format.js';
export type { Bytes, CausedEntry, EventEntry, JournalEntry, JournalHeader } from './format.js';
export { eventEntry, Recorder } from './recorder.js';
export { recordJournal, journalLine, JOURNAL_HEADER } from './write-journal.js';
export type { JournalWriter } from './write-journal.js';
export { parseJournal, readJournal } from './read-journal.js';
export type { Journal, JournalStep } from './read-journal.js';
export { assertReplays, replay } from './replay.js';
export type { ReplayOptions, ReplayResult } from './replay.js';
export { compareStep } from './compare.js';
export type { Divergence } from './compare.js';
export { describeDivergence, describeEvent, diffValues } from './describe-divergence.js';
export { checkStateMachine, describeCheckRun } from './check.js';
export type { CheckOptions, CheckProgress, CheckResult, CheckRun, RestartPoint } from './check.js';
export { recordRun } from './record-run.js';
export type { RecordRunOptions } from './record-run.js';
