/**
 * A zod issue as a sentence for the user: which field (`child "counter": limits.fuel`), what
 * was expected (the schema's message) and what was found.
 */
import type { z } from 'zod';
import type { FieldPath } from './yaml-lines.js';

/** One thing wrong with a file, before it is given a line. */
export interface Problem {
  readonly path: FieldPath;
  readonly detail: string;
}

/**
 * The problems of a failed parse. A missing field next to an unknown one is left out: the
 * unknown one is most likely the missing one misspelt, and its message says so.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): Problem[] {
  const withUnknownFields = new Set(
    issues.filter((issue) => issue.code === 'unrecognized_keys').map((issue) => pathKey(issue.path)),
  );
  return issues
    .filter((issue) => !(isMissing(issue) && withUnknownFields.has(pathKey(issue.path.slice(0, -1)))))
    .map(describeIssue);
}

function isMissing(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'invalid_type' && issue.input === undefined;
}

function pathKey(path: FieldPath): string {
  return JSON.stringify(path.map(String));
}

function describeIssue(issue: z.core.$ZodIssue): Problem {
  const path = issue.path;
  switch (issue.code) {
    case 'unrecognized_keys': {
      // The schema's message names the first unknown key: point at that key, not at its map.
      const key = issue.keys[0];
      return { path: key === undefined ? path : [...path, key], detail: withPlace(path, issue.message) };
    }
    case 'invalid_key':
    case 'invalid_element':
      // The key itself is at fault; the place already names it, so the message need not.
      return { path, detail: withPlace(path, issue.issues[0]?.message ?? issue.message) };
    case 'custom':
      return { path, detail: withPlace(path, issue.message) };
    case 'invalid_type':
    case 'invalid_format':
    case 'invalid_union':
    case 'invalid_value':
    case 'too_small':
    case 'too_big':
    case 'not_multiple_of':
      return {
        path,
        detail:
          issue.input === undefined
            ? `${placeOf(path) || 'the top level'} is missing: ${issue.message}`
            : withPlace(path, `${issue.message}, got ${describeValue(issue.input)}`),
      };
  }
}

/** `PLACE: TEXT`, or just TEXT for the top level. */
export function withPlace(path: FieldPath, text: string): string {
  const place = placeOf(path);
  return place === '' ? text : `${place}: ${text}`;
}

/**
 * The words for a field: `child "x"` and `component "y"` for entries of the two name maps,
 * `rom "r"` and `config "r"` for a child's local names, dotted field paths for the rest.
 */
export function placeOf(path: FieldPath): string {
  const [head, name, ...rest] = path;
  if (head === 'children' && name !== undefined) {
    const [field, entry, ...deeper] = rest;
    const inner =
      (field === 'roms' || field === 'config') && entry !== undefined && deeper.length === 0
        ? `${field === 'roms' ? 'rom' : 'config'} "${String(entry)}"`
        : dotted(rest);
    return `child "${String(name)}"${inner === '' ? '' : `: ${inner}`}`;
  }
  if (head === 'components' && name !== undefined && rest.length === 0) return `component "${String(name)}"`;
  return dotted(path);
}

function dotted(path: FieldPath): string {
  return path
    .map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i === 0 ? '' : '.'}${String(segment)}`))
    .join('');
}

/** A found value in words: strings quoted, collections by kind (they can be long). */
function describeValue(value: unknown): string {
  if (value === null) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  if (typeof value === 'object') return 'a map';
  return String(value);
}
