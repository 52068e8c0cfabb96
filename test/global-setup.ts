import { execFileSync } from 'node:child_process';

/**
 * CLI tests spawn dist/host/cli/main.js and the inspector serves dist/inspector-page: build both
 * once so they never run stale code.
 * ROMHOST_SKIP_BUILD=1 skips it, for running unit tests while other parts are mid-edit.
 */
export default function setup(): void {
  if (process.env['ROMHOST_SKIP_BUILD'] === '1') return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'host/inspector/page/vite.config.ts'], { stdio: 'inherit' });
}
