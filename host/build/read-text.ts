import { readFileSync } from 'node:fs';

/** A text file's contents; when it cannot be read, `fault` raises the caller's error with a short reason. */
export function readText(file: string, fault: (reason: string, cause: unknown) => never): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fault(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : String(e), e);
  }
}
