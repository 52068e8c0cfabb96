import type { PackageManifest } from './format.js';
import { openPackage } from './open-package.js';

export interface PackageInfo {
  readonly file: string;
  /** SHA-256 (hex) of the package file. */
  readonly sha256: string;
  /** Size of the package file. */
  readonly bytes: number;
  readonly manifest: PackageManifest;
}

/** What the package at `file` holds, verified as `readPackage` verifies it, without unpacking it. */
export async function inspectPackage(file: string): Promise<PackageInfo> {
  const { sha256, bytes, manifest } = await openPackage(file);
  return { file, sha256, bytes, manifest };
}
