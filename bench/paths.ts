import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest directory up from this file whose package.json is romhost's (works from bench/ and dist/bench/). */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === 'romhost') return dir;
    } catch {
      // no package.json here: keep going up
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('romhost repository root not found above bench/');
    dir = up;
  }
}

export const COUNTER_WASM = 'components/counter-wat/counter-wat.wasm';
export const COUNTER_HIDDEN_WASM = 'components/counter-hidden-wat/counter-hidden-wat.wasm';
export const ADDER_WASM = 'components/adder-wat/adder-wat.wasm';
export const SCENARIO = 'examples/counter/scenario.yaml';
