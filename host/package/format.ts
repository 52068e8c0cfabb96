import { z } from 'zod';
// format.js, not the journal's index: that one reaches host/index.ts, which exports this part.
import { JOURNAL_WORLD } from '../journal/format.js';

/**
 * A scenario package (docs/scenario.md, "Packages"): a zip archive holding
 *
 *   manifest.json              what is inside, the format version and the world its components need
 *   scenario.yaml              the scenario, its component paths rewritten to the entries below
 *   components/SHA256.wasm     each component once, named by the SHA-256 of its bytes
 *   scenarios/SHA256.yaml      each subsystem's scenario once, its paths rewritten like the scenario's
 *
 * Zip because it is the container every platform already opens (`unzip -l X.romhost` lists one
 * without romhost), its central directory makes a truncated file fail to open rather than read
 * short, and fflate writes and reads it in plain JavaScript with no dependencies of its own. The
 * SHA-256 in the manifest, not zip's CRC, is what vouches for a component's bytes.
 */
export const PACKAGE_VERSION = 1;

/** The world this host runs: a package whose components need another is refused. */
export const PACKAGE_WORLD = JOURNAL_WORLD;

export const MANIFEST_ENTRY = 'manifest.json';
export const SCENARIO_ENTRY = 'scenario.yaml';
export const componentEntry = (sha256: string): string => `components/${sha256}.wasm`;
/** A subsystem's scenario (docs/scenario.md, Subsystems), rewritten as the package holds it, named by the SHA-256 of those bytes. */
export const subsystemEntry = (sha256: string): string => `scenarios/${sha256}.yaml`;

export interface PackageManifest {
  readonly romhost: 'package';
  readonly version: number;
  readonly world: string;
  /** The entry of the scenario. */
  readonly scenario: string;
  /** SHA-256 (hex) of the scenario entry's bytes: an edit that still parses is caught too. */
  readonly scenario_sha256: string;
  /** Component name (as in the scenario; a subsystem's as `left/layouter`) → the SHA-256 (hex) and size of its bytes. */
  readonly components: Readonly<Record<string, { readonly sha256: string; readonly bytes: number }>>;
  /** Subsystem name (`left`, `left/inner`) → the SHA-256 (hex) of its scenario's entry; absent when there are none. */
  readonly subsystems?: Readonly<Record<string, { readonly sha256: string }>> | undefined;
}

/** Checks what every version shares first, so that a newer package is told apart from a damaged one. */
export const versionedSchema = z.object({ romhost: z.literal('package'), version: z.number().int().positive() });

export const manifestSchema = z
  .object({
    romhost: z.literal('package'),
    version: z.literal(PACKAGE_VERSION),
    world: z.string(),
    scenario: z.literal(SCENARIO_ENTRY),
    scenario_sha256: z.string().regex(/^[0-9a-f]{64}$/),
    components: z.record(
      z.string(),
      z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() }).strict(),
    ),
    subsystems: z.record(z.string(), z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict()).optional(),
  })
  .strict();
