import { dirname, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { fail } from '../errors.js';
import { jsonValue } from '../json-value.js';
import { INLINE_FILE, SNAPSHOT_VERSION, SNAPSHOT_WORLD, type Snapshot, type SnapshotDocument } from './format.js';
import { writeAtomically } from '../write-atomically.js';

/** What `writeSnapshot` wrote. */
export interface WrittenSnapshot {
  readonly file: string;
  readonly step: number;
  /** Size of the file. */
  readonly bytes: number;
}

/**
 * Writes `snapshot` (`await host.snapshot()`) to `file` (format.ts). The scenario's file and its
 * subsystems' are kept relative to the snapshot's folder, as a journal keeps them, so that a
 * snapshot moved along with its scenario still names it. Atomic: an interrupted write leaves no
 * half snapshot under the name.
 */
export async function writeSnapshot(file: string, snapshot: Snapshot): Promise<WrittenSnapshot> {
  const bytes = await encodeSnapshot(snapshot, dirname(resolve(file)));
  await writeAtomically(file, bytes).catch((e: NodeJS.ErrnoException) =>
    fail('snapshot-unwritable', { file, reason: e.code === 'ENOENT' ? 'its folder does not exist' : e.message }, e),
  );
  return { file, step: snapshot.step, bytes: bytes.length };
}

/** The bytes of a snapshot file, its paths relative to `folder`. */
export async function encodeSnapshot(snapshot: Snapshot, folder: string): Promise<Uint8Array> {
  const path = (file: string) => (file === INLINE_FILE ? file : relative(folder, resolve(file)).split('\\').join('/'));
  const { scenario } = snapshot;
  const document: SnapshotDocument = {
    romhost: 'snapshot',
    version: SNAPSHOT_VERSION,
    world: SNAPSHOT_WORLD,
    step: snapshot.step,
    scenario: {
      file: path(scenario.file),
      text: scenario.text,
      subsystems: Object.fromEntries(scenario.subsystems.map((s) => [s.name, { file: path(s.file), text: s.text }])),
    },
    components: snapshot.components,
    children: Object.fromEntries(Object.entries(snapshot.children).map(([name, { component, status }]) => [name, { component, status }])),
    values: snapshot.values.map(([source, content]) => [source, jsonValue(content)]),
  };
  return new Uint8Array(await promisify(gzip)(JSON.stringify(document)));
}
