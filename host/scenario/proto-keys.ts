import type { FieldPath } from './yaml-lines.js';
import { withPlace, type Problem } from './describe-issue.js';

/**
 * A `__proto__` key anywhere in the file, as a problem. zod drops such keys silently (they would
 * set a prototype), so a child, component or ROM of that name would vanish without a word.
 */
export function protoKeyProblems(value: unknown): Problem[] {
  const path = findProtoKey(value, []);
  if (path === undefined) return [];
  return [{ path, detail: withPlace(path, 'this name is not allowed (JavaScript objects cannot hold it): choose another') }];
}

function findProtoKey(value: unknown, path: FieldPath): FieldPath | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const here = [...path, Array.isArray(value) ? Number(key) : key];
    if (key === '__proto__') return here;
    const found = findProtoKey(inner, here);
    if (found !== undefined) return found;
  }
  return undefined;
}
