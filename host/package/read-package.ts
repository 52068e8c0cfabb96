import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCacheDir } from '../engine/index.js';
import { fail, isRomhostError } from '../errors.js';
import { parseScenario, type Scenario } from '../scenario/index.js';
import { componentEntry, SCENARIO_ENTRY, subsystemEntry, type PackageManifest } from './format.js';
import { openPackage } from './open-package.js';

export interface ReadPackage {
  readonly manifest: PackageManifest;
  /** The packaged scenario, its component paths in the folder it was unpacked to: what `host.apply` runs. */
  readonly scenario: Scenario;
}

/**
 * The package at `file`, verified (open-package.ts) and unpacked to a folder named by the
 * package's SHA-256, under the engine's cache (or the system's temporary folder when the cache is
 * off): a host reads components from files, and a journal of the run names the scenario by file.
 * The same package unpacks to the same folder, so a second run writes nothing.
 */
export async function readPackage(file: string): Promise<ReadPackage> {
  const opened = await openPackage(file);
  const dir = join(defaultCacheDir() ?? join(tmpdir(), 'romhost'), 'packages', opened.sha256);
  await mkdir(join(dir, 'components'), { recursive: true }).catch((e: Error) => fail('package-unpack-failed', { file, path: dir, reason: e.message }, e));
  for (const [sha256, bytes] of opened.components) await writeOnce(file, join(dir, componentEntry(sha256)), bytes);
  const scenarioFile = join(dir, SCENARIO_ENTRY);
  await writeOnce(file, scenarioFile, new TextEncoder().encode(opened.scenarioText));
  const subsystems: Record<string, { file: string; text: string }> = {};
  if (opened.subsystems.size > 0) await mkdir(join(dir, 'scenarios'), { recursive: true }).catch((e: Error) => fail('package-unpack-failed', { file, path: dir, reason: e.message }, e));
  for (const [name, { sha256, text }] of opened.subsystems) {
    subsystems[name] = { file: join(dir, subsystemEntry(sha256)), text };
    await writeOnce(file, subsystems[name].file, new TextEncoder().encode(text));
  }
  let scenario: Scenario;
  try {
    // The manifest's subsystems, not whatever files the scenario's entries name: only what was verified runs.
    scenario = parseScenario(opened.scenarioText, scenarioFile, subsystems);
  } catch (e) {
    if (!isRomhostError(e)) throw e;
    return fail('package-damaged', { file, detail: `its ${SCENARIO_ENTRY} does not load: ${e.message}` }, e);
  }
  // Every component must be one the manifest vouches for, or the scenario would run unverified bytes.
  for (const { name, path } of Object.values(scenario.components)) {
    const listed = opened.manifest.components[name];
    if (listed === undefined || path !== join(dir, componentEntry(listed.sha256))) {
      fail('package-damaged', { file, detail: `its ${SCENARIO_ENTRY} names component "${name}" at a path its manifest does not list` });
    }
  }
  return { manifest: opened.manifest, scenario };
}

/**
 * Writes `bytes` to `path` unless it holds them already. Through a file of its own and a rename,
 * so that a run reading the folder, or another unpacking it at the same time, never sees half a file.
 */
async function writeOnce(file: string, path: string, bytes: Uint8Array): Promise<void> {
  const existing = await readFile(path).catch(() => undefined);
  if (existing !== undefined && Buffer.compare(existing, bytes) === 0) return;
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  } catch (e) {
    await rm(temporary, { force: true });
    fail('package-unpack-failed', { file, path, reason: (e as Error).message }, e);
  }
}
