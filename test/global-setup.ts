import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * CLI tests spawn dist/host/cli/main.js and the inspector serves dist/inspector-page: build both
 * once so they never run stale code.
 * ROMHOST_SKIP_BUILD=1 skips it, for running unit tests while other parts are mid-edit.
 *
 * The engine cache (host/engine/README.md) of every host the suite makes, in process or spawned,
 * is a fresh folder for the run: tests never touch the user's ~/.cache/romhost, and the first load
 * of each component in a run is a cold one. Workers and spawned processes inherit the variable.
 */
export default function setup(): () => void {
  const cache = mkdtempSync(join(tmpdir(), 'romhost-test-cache-'));
  process.env['ROMHOST_CACHE'] = cache;
  const teardown = () => rmSync(cache, { recursive: true, force: true });
  if (process.env['ROMHOST_SKIP_BUILD'] === '1') return teardown;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'host/inspector/page/vite.config.ts'], { stdio: 'inherit' });
  return teardown;
}
