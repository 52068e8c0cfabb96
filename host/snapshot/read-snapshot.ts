import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { fail, isRomhostError } from '../errors.js';
import type { z } from 'zod';
import { decodeBytes, type Bytes } from '../journal/format.js';
import { parseScenario, type Scenario } from '../scenario/index.js';
import { documentSchema, INLINE_FILE, SNAPSHOT_VERSION, SNAPSHOT_WORLD, versionedSchema, type Snapshot } from './format.js';

/** Every gzip stream starts with these two bytes. */
const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * The snapshot in `file`, checked in the order a user can act on: is it a snapshot at all, is it
 * whole, is it of a format version and a world this host has, does its scenario load. Refuses
 * each with its own error, naming the file. The scenario is built from the texts the snapshot
 * holds; its files need not exist here (the components are found by hash when it is restored).
 */
export async function readSnapshot(file: string): Promise<Snapshot> {
  const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) =>
    fail('snapshot-unreadable', { file, reason: e.code === 'ENOENT' ? 'no such file' : e.message }, e),
  );
  return decodeSnapshot(bytes, file);
}

/** A snapshot from the bytes of its file; `file` names it in messages and anchors its paths. */
export async function decodeSnapshot(bytes: Uint8Array, file: string): Promise<Snapshot> {
  if (!GZIP_MAGIC.every((byte, i) => bytes[i] === byte)) fail('snapshot-not-snapshot', { file, detail: 'not gzip' });
  let text: string;
  try {
    text = (await promisify(gunzip)(bytes)).toString('utf8');
  } catch (e) {
    // gzip's CRC-32 and length: a file cut short or with a byte changed does not decompress.
    return fail('snapshot-damaged', { file, detail: `it does not decompress (${(e as Error).message}): it was cut short or altered` }, e);
  }
  const document = parseDocument(text, file);
  const folder = dirname(resolve(file));
  return {
    file,
    step: document.step,
    scenario: buildScenario(document, folder, file),
    components: document.components,
    children: document.children,
    values: decodeValues(document.values, file),
  };
}

/** The values, each `[SOURCE, TEXT]` or `[SOURCE, {"base64": B64}]`: checked by hand, in one pass. */
function decodeValues(values: readonly unknown[], file: string): [string, Uint8Array][] {
  return values.map((entry, i) => {
    const pair = Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string' ? (entry as [string, unknown]) : undefined;
    const bytes = pair && asBytes(pair[1]);
    if (!pair || !bytes) fail('snapshot-damaged', { file, detail: `it is not a version ${SNAPSHOT_VERSION} snapshot (values.${i}: not [SOURCE, TEXT] or [SOURCE, {"base64": ...}])` });
    return [pair[0], decodeBytes(bytes)];
  });
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function asBytes(value: unknown): Bytes | undefined {
  if (typeof value === 'string') return { text: value };
  const base64 = typeof value === 'object' && value !== null && Object.keys(value).length === 1 ? (value as { base64?: unknown }).base64 : undefined;
  return typeof base64 === 'string' && BASE64.test(base64) ? { base64 } : undefined;
}

function parseDocument(text: string, file: string): z.infer<typeof documentSchema> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    fail('snapshot-not-snapshot', { file, detail: 'gzip, but not of JSON' });
  }
  const versioned = versionedSchema.safeParse(json);
  if (!versioned.success) fail('snapshot-not-snapshot', { file, detail: 'its JSON is not {"romhost": "snapshot", "version": N, ...}' });
  if (versioned.data.version !== SNAPSHOT_VERSION) fail('snapshot-version', { file, version: versioned.data.version, supported: SNAPSHOT_VERSION });
  const parsed = documentSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    fail('snapshot-damaged', { file, detail: `it is not a version ${SNAPSHOT_VERSION} snapshot (${issue.path.join('.') || 'top level'}: ${issue.message})` });
  }
  if (parsed.data.world !== SNAPSHOT_WORLD) fail('snapshot-world', { file, world: parsed.data.world, supported: SNAPSHOT_WORLD });
  return parsed.data;
}

/** The scenario from its texts, its files resolved against the snapshot's folder. */
function buildScenario(document: z.infer<typeof documentSchema>, folder: string, file: string): Scenario {
  const at = (path: string) => (path === INLINE_FILE ? path : resolve(folder, path));
  const { scenario } = document;
  const subsystems = Object.fromEntries(Object.entries(scenario.subsystems).map(([name, s]) => [name, { file: at(s.file), text: s.text }]));
  let built: Scenario;
  try {
    built = parseScenario(scenario.text, at(scenario.file), subsystems);
  } catch (e) {
    if (!isRomhostError(e)) throw e;
    return fail('snapshot-damaged', { file, detail: `its scenario does not load (${e.message})` }, e);
  }
  const unnamed = Object.keys(built.components).find((name) => document.components[name] === undefined);
  if (unnamed !== undefined) fail('snapshot-damaged', { file, detail: `its scenario names component "${unnamed}", of which it holds no SHA-256` });
  return built;
}
