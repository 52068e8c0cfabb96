import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { parseDocument } from 'yaml';
import { fail } from '../errors.js';
import { loadScenario, parseScenario } from '../scenario/index.js';
import { componentEntry, MANIFEST_ENTRY, PACKAGE_VERSION, PACKAGE_WORLD, SCENARIO_ENTRY, type PackageManifest } from './format.js';

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
  const text = rewritePaths(scenario.text, scenarioFile, components);
  const scenarioBytes = strToU8(text);
  const manifest: PackageManifest = {
    romhost: 'package',
    version: PACKAGE_VERSION,
    world: PACKAGE_WORLD,
    scenario: SCENARIO_ENTRY,
    scenario_sha256: createHash('sha256').update(scenarioBytes).digest('hex'),
    components,
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

/**
 * The scenario's YAML with each component's path replaced by its entry in the package, relative
 * to the scenario entry. Edited as a YAML document, not as text, so that comments, anchors and
 * the rest of the file stay as written.
 */
function rewritePaths(text: string, file: string, components: PackageManifest['components']): string {
  const doc = parseDocument(text);
  for (const [name, { sha256 }] of Object.entries(components)) doc.setIn(['components', name], componentEntry(sha256));
  const rewritten = doc.toString({ flowCollectionPadding: false });
  // The scenario loaded before; if the edit broke it, that is romhost's fault, and said so with the file it came from.
  try {
    parseScenario(rewritten, file);
  } catch (e) {
    throw new Error(`romhost could not rewrite the component paths of ${file} for its package: ${(e as Error).message}`, { cause: e });
  }
  return rewritten;
}
