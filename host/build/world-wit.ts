/**
 * romhost's own world, the default a component is built against: `wit/world.wit` of the package
 * this module belongs to, found by walking up from here (host/build/ in the sources,
 * dist/host/build/ once compiled).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_WORLD = 'state-machine';

let found: string | undefined;

export function romhostWorldWit(): string {
  if (found !== undefined) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'wit', 'world.wit');
    if (existsSync(candidate)) return (found = candidate);
    const parent = dirname(dir);
    // The package always ships wit/: not finding it is a broken install, not a user error.
    if (parent === dir) throw new Error(`romhost's wit/world.wit not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
