import { z } from 'zod';
// format.js, not the journal's index: that one reaches host/index.ts, which exports this part.
import { JOURNAL_WORLD } from '../journal/format.js';
import type { Scenario } from '../scenario/index.js';
import type { ChildStatus } from '../state/index.js';

/**
 * A snapshot file (docs/snapshot.md): gzip of one JSON document,
 *
 *   {"romhost": "snapshot", "version": 1, "world": ..., "step": N,
 *    "scenario": {"file", "text", "subsystems": {NAME: {"file", "text"}}},
 *    "components": {NAME: SHA256}, "children": {NAME: {"component", "status"}},
 *    "values": [[SOURCE, TEXT | {"base64": B64}], ...]}
 *
 * gzip because its CRC-32 and length catch a truncated or bit-flipped file before anything is
 * trusted, it shrinks the many similar ROM values of a family well, and node:zlib has it. One JSON
 * document, because a snapshot is read whole (every value goes into the host before it starts),
 * and `gunzip -c FILE | jq` shows it. A value is its text when it is valid UTF-8, as a journal keeps
 * bytes, else `{"base64": ...}`; a pair per source keeps a family's hundreds of thousands of
 * values short to write and quick to read. Components are named by SHA-256 only: a pure system is its
 * scenario, its components and its ROM values, and the components travel in a package or a store.
 */
export const SNAPSHOT_VERSION = 1;

/** The world this host runs: a snapshot of a host of another world is refused. */
export const SNAPSHOT_WORLD = JOURNAL_WORLD;

/**
 * What a snapshot holds: `Host.snapshot()`'s `HostSnapshot` is one, and so is a snapshot file read
 * back, whose children keep only their component and status.
 */
export interface Snapshot {
  /** The file it was read from (for messages); absent for a snapshot taken in this process. */
  readonly file?: string;
  readonly step: number;
  readonly scenario: Scenario;
  /** Component name → SHA-256 of what the host loaded for it. */
  readonly components: Readonly<Record<string, string>>;
  /** The children as they were: the component each ran (a swap shows here) and its status. */
  readonly children: Readonly<Record<string, { readonly component: string; readonly status: ChildStatus }>>;
  /** Every source's value: inputs, reports, `host/state`. */
  readonly values: readonly (readonly [string, Uint8Array])[];
}

/** The JSON document inside the gzip. Paths are relative to the snapshot file's folder, with `/`. */
export interface SnapshotDocument {
  readonly romhost: 'snapshot';
  readonly version: number;
  readonly world: string;
  readonly step: number;
  readonly scenario: { readonly file: string; readonly text: string; readonly subsystems: Readonly<Record<string, { readonly file: string; readonly text: string }>> };
  readonly components: Readonly<Record<string, string>>;
  readonly children: Readonly<Record<string, { readonly component: string; readonly status: ChildStatus }>>;
  readonly values: readonly (readonly [string, string | { readonly base64: string }])[];
}

/** The name `parseScenario` gives a scenario that came from no file: no path to make relative or resolve. */
export const INLINE_FILE = '<inline>';

/** Every status, so that a new one fails to compile here until the format says how it is kept. */
const STATUSES: Record<ChildStatus, true> = { running: true, stopped: true, faulted: true, quarantined: true, hibernated: true, elsewhere: true };

/** Checks what every version shares first, so that a newer snapshot is told apart from a damaged one. */
export const versionedSchema = z.object({ romhost: z.literal('snapshot'), version: z.number().int().positive() });

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const texts = z.object({ file: z.string(), text: z.string() }).strict();

export const documentSchema = z
  .object({
    romhost: z.literal('snapshot'),
    version: z.literal(SNAPSHOT_VERSION),
    world: z.string(),
    step: z.number().int().nonnegative(),
    scenario: texts.extend({ subsystems: z.record(z.string(), texts) }).strict(),
    components: z.record(z.string(), sha256),
    children: z.record(z.string(), z.object({ component: sha256, status: z.enum(Object.keys(STATUSES) as [ChildStatus, ...ChildStatus[]]) }).strict()),
    // Checked one by one in read-snapshot.ts: zod would take a noticeable time over a family's values.
    values: z.array(z.unknown()),
  })
  .strict();
