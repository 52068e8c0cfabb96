/**
 * Families: a child named `NAME/*` stands for any number of members `NAME/KEY`, created on the
 * first input that addresses them (docs/scenario.md, Families). These helpers are the one place
 * that spells member names and the `*` patterns of a family's routes, for the scenario checks,
 * the router and the lifecycle alike.
 */
import { MEMBER_KEY, WILDCARD, anchored } from './names.js';

const MEMBER_KEY_RE = anchored(MEMBER_KEY);
const SUFFIX = `/${WILDCARD}`;

/** Whether a child name is a family's (`room/*`). */
export function isFamily(name: string): boolean {
  return name.endsWith(SUFFIX);
}

/** The member of `family` (`room/*`) with `key`: `room/KEY`. */
export function memberName(family: string, key: string): string {
  return `${family.slice(0, -1)}${key}`;
}

/**
 * The family a member name belongs to (`room/42` → `room/*`), or undefined for a name that is no
 * member's: static children have no '/', and a member's key is one valid segment.
 */
export function familyOf(name: string): string | undefined {
  const slash = name.indexOf('/');
  if (slash <= 0) return undefined;
  const key = name.slice(slash + 1);
  return MEMBER_KEY_RE.test(key) ? `${name.slice(0, slash)}${SUFFIX}` : undefined;
}

/** A member's key: what follows its family's name (`room/42` → `42`). `name` must be a member's. */
export function keyOf(name: string): string {
  return name.slice(name.indexOf('/') + 1);
}

/** A source with one `*` segment, split around it: `input/room/` and `/msg` for the input pattern of room members' `msg`. */
export interface SourcePattern {
  readonly prefix: string;
  readonly suffix: string;
}

/** How many `*` segments a source's text holds. */
export function wildcards(source: string): number {
  return source.split('/').filter((segment) => segment === WILDCARD).length;
}

/** The pattern of a source with exactly one `*` segment. */
export function sourcePattern(source: string): SourcePattern {
  const segments = source.split('/');
  const at = segments.indexOf(WILDCARD);
  const prefix = segments.slice(0, at).join('/');
  const suffix = segments.slice(at + 1).join('/');
  return { prefix: `${prefix}/`, suffix: suffix === '' ? '' : `/${suffix}` };
}

/** The key a source gives the pattern's `*`, or undefined when the source does not match it. */
export function matchPattern(pattern: SourcePattern, source: string): string | undefined {
  const { prefix, suffix } = pattern;
  if (source.length <= prefix.length + suffix.length || !source.startsWith(prefix) || !source.endsWith(suffix)) return undefined;
  const key = source.slice(prefix.length, source.length - suffix.length);
  return MEMBER_KEY_RE.test(key) ? key : undefined;
}

/** The source a pattern names for the member with `key`. */
export function resolvePattern(pattern: SourcePattern, key: string): string {
  return pattern.prefix + key + pattern.suffix;
}
