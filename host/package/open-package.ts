import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { strFromU8, unzipSync } from 'fflate';
import { fail } from '../errors.js';
import { componentEntry, subsystemEntry, MANIFEST_ENTRY, manifestSchema, PACKAGE_VERSION, PACKAGE_WORLD, SCENARIO_ENTRY, versionedSchema, type PackageManifest } from './format.js';

/** A package read and verified: every component's bytes match the manifest. */
export interface OpenedPackage {
  readonly file: string;
  /** SHA-256 (hex) of the package file: names its unpacked copy. */
  readonly sha256: string;
  /** Size of the package file. */
  readonly bytes: number;
  readonly manifest: PackageManifest;
  readonly scenarioText: string;
  /** Subsystem name → its scenario's SHA-256 (its entry's name) and text. */
  readonly subsystems: ReadonlyMap<string, { readonly sha256: string; readonly text: string }>;
  /** SHA-256 → bytes, one per distinct component. */
  readonly components: ReadonlyMap<string, Uint8Array>;
}

/** Every zip file starts with a local file header. */
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/**
 * Reads the package at `file` and checks it, in the order a user can act on: is it a package at
 * all, is it whole, is its format and world one this host has, do its components match their
 * hashes. Nothing is unpacked to disk.
 */
export async function openPackage(file: string): Promise<OpenedPackage> {
  const data = await readFile(file).catch((e: NodeJS.ErrnoException) =>
    fail('package-unreadable', { file, reason: e.code === 'ENOENT' ? 'no such file' : e.message }, e),
  );
  if (!ZIP_MAGIC.every((byte, i) => data[i] === byte)) fail('package-not-package', { file });
  const manifest = readManifest(file, data);
  const expected = new Map(Object.values(manifest.components).map((c) => [componentEntry(c.sha256), c]));
  // Only the entries the manifest names, each no larger than it says: a package cannot make the host inflate more.
  const scenarios = new Set(Object.values(manifest.subsystems ?? {}).map((s) => subsystemEntry(s.sha256)));
  const entries = unzip(file, data, (name, size) => name === SCENARIO_ENTRY || scenarios.has(name) || expected.get(name)?.bytes === size);
  const scenario = entries[SCENARIO_ENTRY];
  if (scenario === undefined) fail('package-damaged', { file, detail: `it has no ${SCENARIO_ENTRY}` });
  const scenarioSha = createHash('sha256').update(scenario).digest('hex');
  if (scenarioSha !== manifest.scenario_sha256) fail('package-scenario-changed', { file, expected: manifest.scenario_sha256, found: scenarioSha });
  const components = new Map<string, Uint8Array>();
  for (const [name, { sha256, bytes }] of Object.entries(manifest.components)) {
    const content = entries[componentEntry(sha256)];
    if (content === undefined) fail('package-damaged', { file, detail: `component "${name}" (${componentEntry(sha256)}, ${bytes} bytes) is missing or not of that size` });
    const found = createHash('sha256').update(content).digest('hex');
    if (found !== sha256) fail('package-component-changed', { file, name, expected: sha256, found });
    components.set(sha256, content);
  }
  const subsystems = new Map<string, { sha256: string; text: string }>();
  for (const [name, { sha256 }] of Object.entries(manifest.subsystems ?? {})) {
    const entry = subsystemEntry(sha256);
    const content = entries[entry] ?? fail('package-damaged', { file, detail: `the scenario of subsystem "${name}" (${entry}) is missing` });
    const found = createHash('sha256').update(content).digest('hex');
    if (found !== sha256) fail('package-scenario-changed', { file, expected: sha256, found });
    subsystems.set(name, { sha256, text: utf8(file, content, entry) });
  }
  const scenarioText = utf8(file, scenario, SCENARIO_ENTRY);
  return { file, sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length, manifest, scenarioText, subsystems, components };
}

function utf8(file: string, bytes: Uint8Array, entry: string): string {
  try {
    return strFromU8(bytes);
  } catch (e) {
    return fail('package-damaged', { file, detail: `its ${entry} is not UTF-8` }, e);
  }
}

function readManifest(file: string, data: Uint8Array): PackageManifest {
  const entry = unzip(file, data, (name) => name === MANIFEST_ENTRY)[MANIFEST_ENTRY];
  if (entry === undefined) fail('package-damaged', { file, detail: `it has no ${MANIFEST_ENTRY}` });
  let json: unknown;
  try {
    json = JSON.parse(strFromU8(entry));
  } catch (e) {
    fail('package-damaged', { file, detail: `its ${MANIFEST_ENTRY} is not JSON (${(e as Error).message})` }, e);
  }
  const versioned = versionedSchema.safeParse(json);
  if (versioned.success && versioned.data.version !== PACKAGE_VERSION) {
    fail('package-version', { file, version: versioned.data.version, supported: PACKAGE_VERSION });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    fail('package-damaged', { file, detail: `its ${MANIFEST_ENTRY} is not a version ${PACKAGE_VERSION} manifest (${issue.path.join('.') || 'top level'}: ${issue.message})` });
  }
  if (parsed.data.world !== PACKAGE_WORLD) fail('package-world', { file, world: parsed.data.world, supported: PACKAGE_WORLD });
  return parsed.data;
}

/** The entries `keep` accepts by name and inflated size; a zip that does not read (truncated, overwritten) is damaged. */
function unzip(file: string, data: Uint8Array, keep: (name: string, size: number) => boolean): Record<string, Uint8Array> {
  try {
    return unzipSync(data, { filter: (f) => keep(f.name, f.originalSize) });
  } catch (e) {
    return fail('package-damaged', { file, detail: `it does not read as a zip archive (${(e as Error).message}); it may be truncated` }, e);
  }
}
