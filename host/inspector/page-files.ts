import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail } from '../errors.js';

export interface PageFile {
  readonly type: string;
  readonly bytes: Buffer;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Where `vite build` put the page: dist/inspector-page, found from dist/host/inspector (the
 * built host) or from host/inspector (the sources, under vitest).
 */
function pageDir(): string {
  const candidates = ['../../inspector-page', '../../dist/inspector-page'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? fail('inspector-page-missing', { dir: 'dist/inspector-page' });
}

/**
 * The built page, read once into memory by URL path: a handful of small files, and a server that
 * only ever answers with one of them cannot be led outside its folder.
 */
export function readPageFiles(): ReadonlyMap<string, PageFile> {
  const dir = pageDir();
  const files = new Map<string, PageFile>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(`/${relative(dir, path).split(sep).join('/')}`, { type: TYPES[extname(path)] ?? 'application/octet-stream', bytes: readFileSync(path) });
    }
  };
  walk(dir);
  files.set('/', files.get('/index.html')!);
  return files;
}
