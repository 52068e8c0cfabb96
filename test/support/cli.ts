import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** The built CLI, by absolute path: a test may run it from another folder. */
const MAIN = resolve('dist/host/cli/main.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI (dist/, built by test/global-setup.ts) with `stdin` fed and closed, in `cwd` (default: the repository's root). */
export function romhost(args: readonly string[], stdin = '', cwd?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: 'pipe', ...(cwd === undefined ? {} : { cwd }) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** A CLI run that goes on (`--watch`, `--ui`): its stdout so far, a wait for a line, and its end. */
export interface LiveRun {
  stdout(): string;
  /** Whether `pattern` shows up on stdout within ten seconds. */
  until(pattern: RegExp): Promise<boolean>;
  stop(): void;
}

export function romhostLive(args: readonly string[]): LiveRun {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: 'pipe' });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return {
    stdout: () => out,
    async until(pattern) {
      for (let i = 0; i < 200 && !pattern.test(out); i++) await new Promise((r) => setTimeout(r, 50));
      return pattern.test(out);
    },
    stop: () => void child.kill('SIGTERM'),
  };
}

export const jsonLines = (text: string): unknown[] =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
