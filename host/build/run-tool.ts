import { execFile } from 'node:child_process';

export interface Run {
  /** `absent`: it could not be started at all (no such file, not executable). */
  readonly status: 'ok' | 'failed' | 'absent';
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a toolchain's program to its end; never throws: the caller turns its stderr into one line. */
export function runTool(file: string, args: readonly string[], cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) resolve({ status: 'ok', stdout, stderr });
      else if (typeof error.code === 'number') resolve({ status: 'failed', stdout, stderr });
      else resolve({ status: 'absent', stdout, stderr: `cannot run ${file}: ${error.message}` });
    });
  });
}
