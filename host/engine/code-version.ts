import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The packages whose output the cache keeps: jco splits and types components, binaryen rewrites core modules. */
const TOOLS = ['@bytecodealliance/jco', 'binaryen'] as const;

/**
 * The version of the code that prepares components, for the cache keys: a hash of the engine's
 * own source files (this folder and host/engine/rewrite, as they run: .ts under vitest, .js
 * from dist) and of the versions of jco and binaryen installed.
 *
 * Derived, not declared: a version constant would have to be bumped by whoever changes the
 * rewrite, and forgetting it would serve modules rewritten by the old code. A hash cannot be
 * forgotten. It is coarse on purpose: any change here (a comment too) makes every entry a miss
 * once, which costs one cold start; a stale entry could cost a wrong module.
 *
 * Reads ~30 small files (~1 ms) and two package.json files; imports neither tool. `root` is
 * this folder but for tests.
 */
export async function engineCodeVersion(root = dirname(fileURLToPath(import.meta.url))): Promise<string> {
  const hash = createHash('sha256');
  const files = (await sourceFiles(root)).sort();
  if (files.length === 0) throw new Error(`no engine source files found in ${root}`);
  for (const file of files) {
    hash.update(`${relative(root, file)}\0`);
    hash.update(await readFile(file));
  }
  for (const tool of TOOLS) hash.update(`${tool}@${await toolVersion(tool)}\0`);
  return hash.digest('hex').slice(0, 32);
}

/** What runs: .ts and .js, not declarations, source maps or tests. */
async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.(ts|js)$/.test(e.name) && !/\.(d|test)\.ts$|\.test\.js$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** A package's version from its package.json, found from its entry point without importing it. */
async function toolVersion(name: string): Promise<string> {
  let dir = dirname(createRequire(import.meta.url).resolve(name));
  for (;;) {
    const manifest = await readFile(join(dir, 'package.json'), 'utf8').catch(() => undefined);
    const parsed = manifest === undefined ? undefined : (JSON.parse(manifest) as { name?: unknown; version?: unknown });
    if (parsed?.name === name && typeof parsed.version === 'string') return parsed.version;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json of ${name} above its entry point`);
    dir = parent;
  }
}
