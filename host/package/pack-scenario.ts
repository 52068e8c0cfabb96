import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { compareCodeUnits } from '../code-unit-order.js';
import { readFile } from 'node:fs/promises';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { parseDocument } from 'yaml';
import { fail } from '../errors.js';
import { loadScenario, parseScenario, type SubsystemTexts } from '../scenario/index.js';
import { componentEntry, subsystemEntry, MANIFEST_ENTRY, PACKAGE_VERSION, PACKAGE_WORLD, SCENARIO_ENTRY, type PackageManifest } from './format.js';

export interface Packed {
  /** The package file's bytes. */
  readonly bytes: Uint8Array;
  readonly manifest: PackageManifest;
}

/**
 * Every zip entry gets this time, so that packing the same scenario and components twice gives
 * the same bytes. Local time, because zip stores local time: 1980-01-01 is its earliest.
 */
const FIXED_MTIME = new Date(1980, 0, 1);

/**
 * The scenario in `scenarioFile` and every component it names, as the bytes of one package.
 * The scenario is loaded (and so checked) first: a scenario that does not load makes no package.
 */
export async function packScenario(scenarioFile: string): Promise<Packed> {
  const scenario = await loadScenario(scenarioFile);
  const components: Record<string, { sha256: string; bytes: number }> = {};
  const files: Zippable = {};
  for (const { name, path } of Object.values(scenario.components)) {
    const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) =>
      fail('component-unreadable', { file: path, reason: e.code === 'ENOENT' ? 'no such file (build it first: romhost build)' : e.message }, e),
    );
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    components[name] = { sha256, bytes: bytes.length };
    // Two names for the same bytes share one entry.
    files[componentEntry(sha256)] = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  // The deepest subsystems first: a parent's rewritten file names its subsystems' entries by their hashes.
  const subsystems: Record<string, { sha256: string }> = {};
  const texts: Record<string, { file: string; text: string }> = {};
  const deepestFirst = [...scenario.subsystems].sort((a, b) => depth(b.name) - depth(a.name) || compareCodeUnits(a.name, b.name));
  for (const sub of deepestFirst) {
    const text = rewritePaths(sub.text, ownEntries(components, `${sub.name}/`), ownEntries(subsystems, `${sub.name}/`), '../');
    const bytes = strToU8(text);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    subsystems[sub.name] = { sha256 };
    texts[sub.name] = { file: join(dirname(scenarioFile), subsystemEntry(sha256)), text };
    // Two subsystems of the same file share one entry.
    files[subsystemEntry(sha256)] = bytes;
  }
  const text = rewritePaths(scenario.text, ownEntries(components, ''), ownEntries(subsystems, ''), '');
  checkRewritten(text, scenarioFile, texts);
  const scenarioBytes = strToU8(text);
  const manifest: PackageManifest = {
    romhost: 'package',
    version: PACKAGE_VERSION,
    world: PACKAGE_WORLD,
    scenario: SCENARIO_ENTRY,
    scenario_sha256: createHash('sha256').update(scenarioBytes).digest('hex'),
    components,
    ...(scenario.subsystems.length > 0 ? { subsystems: Object.fromEntries(Object.entries(subsystems).sort(([a], [b]) => compareCodeUnits(a, b))) } : {}),
  };
  const bytes = zipSync(
    {
      [MANIFEST_ENTRY]: strToU8(`${JSON.stringify(manifest, null, 2)}\n`),
      [SCENARIO_ENTRY]: scenarioBytes,
      ...files,
    },
    { level: 9, mtime: FIXED_MTIME },
  );
  return { bytes, manifest };
}

const depth = (name: string): number => name.split('/').length;

/** The entries of `all` named in one file, the one of subsystem `prefix` (`left/`; `` for the top), by their names there. */
function ownEntries<T>(all: Readonly<Record<string, T>>, prefix: string): Record<string, T> {
  return Object.fromEntries(Object.entries(all).flatMap(([name, value]) => {
    const own = name.slice(prefix.length);
    return name.startsWith(prefix) && !own.includes('/') ? [[own, value]] : [];
  }));
}

/**
 * A scenario file's YAML with each component's path replaced by its entry in the package, and
 * each subsystem's by its scenario's entry, relative to where the file itself goes (`up` is `../`
 * for a subsystem's, which sits in scenarios/). Edited as a YAML document, not as text, so that
 * comments, anchors and the rest of the file stay as written.
 */
function rewritePaths(
  text: string,
  components: PackageManifest['components'],
  subsystems: Readonly<Record<string, { sha256: string }>>,
  up: string,
): string {
  const doc = parseDocument(text);
  for (const [name, { sha256 }] of Object.entries(components)) doc.setIn(['components', name], `${up}${componentEntry(sha256)}`);
  for (const [name, { sha256 }] of Object.entries(subsystems)) {
    const entry = subsystemEntry(sha256);
    doc.setIn(['children', name, 'scenario'], up === '' ? entry : basename(entry));
  }
  return doc.toString({ flowCollectionPadding: false });
}

/** The scenario loaded before; if the edit broke it, that is romhost's fault, and said so with the file it came from. */
function checkRewritten(text: string, file: string, subsystems: SubsystemTexts): void {
  try {
    parseScenario(text, file, subsystems);
  } catch (e) {
    throw new Error(`romhost could not rewrite the paths of ${file} for its package: ${(e as Error).message}`, { cause: e });
  }
}
