import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE } from './manifest.js';

/**
 * Every folder at or below `root` that holds a component.json, sorted by path (code-unit order,
 * not locale order, so every machine lists them alike). Below a component folder nothing more is
 * searched; hidden folders and node_modules are skipped. A missing root gives no folders.
 */
export function findComponentDirs(root: string): string[] {
  const found: string[] = [];
  const visit = (dir: string): void => {
    if (existsSync(join(dir, MANIFEST_FILE))) {
      found.push(dir);
      return;
    }
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules') {
        visit(join(dir, entry.name));
      }
    }
  };
  if (existsSync(root)) visit(root);
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
