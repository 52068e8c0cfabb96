import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes `bytes` to `path` through a file of its own beside it and a rename, which is atomic on
 * one file system: a reader (another process, or one writing the same file at once) sees the old
 * file, the new one or none, never half of one; the last rename wins. The temporary name is unique
 * per process and call. No fsync: what needs durability has a store. `folders` creates the folder
 * first. A process killed between the write and the rename leaves its `*.tmp` file behind: harmless.
 */
export async function writeAtomically(path: string, bytes: Uint8Array, options: { folders?: boolean } = {}): Promise<void> {
  if (options.folders) await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, bytes, { flag: 'wx' });
    await rename(temporary, path);
  } catch (e) {
    await rm(temporary, { force: true });
    throw e;
  }
}
