/**
 * The grammar of names in a scenario, as regular-expression sources shared by the zod schema,
 * the JSON Schema derived from it, and the route parser, so the three cannot disagree.
 */

/** Child and component names. They stand before the '/' of a route, hence no '/' and no dots. */
export const NAME = '[A-Za-z0-9][A-Za-z0-9_-]*';

/**
 * Child names that would make a route ambiguous: `input/…` and `host/…` are sources of their own,
 * and `config` is kept for the config values.
 */
export const RESERVED_CHILD_NAMES: readonly string[] = ['input', 'host', 'config'];

/** A child name: a NAME that is not reserved (a lookahead, so JSON Schema editors check it too). */
export const CHILD_NAME = `(?!(?:${RESERVED_CHILD_NAMES.join('|')})(?:$|/))${NAME}`;

/**
 * A child's local ROM name. It must start with a letter or digit: this keeps `__proto__` (which
 * plain objects cannot hold as a key) and names that read like paths out.
 */
export const ROM_NAME = '[A-Za-z0-9][A-Za-z0-9._-]*';

/** A report name: anything but '/', which separates child and report in a route. */
export const REPORT_NAME = '[^/]+';

const INPUT_SEGMENT = '[A-Za-z0-9._-]+';
/** An input's name: segments joined by '/', as in `room/1/msg`. */
export const INPUT_NAME = `${INPUT_SEGMENT}(?:/${INPUT_SEGMENT})*`;

/**
 * A family member's key: one segment of an input's name (`42` in `input/room/42/msg`), so that
 * any input a family's pattern matches names a valid member.
 */
export const MEMBER_KEY = INPUT_SEGMENT;

/** A child inside subsystems, by its path: `office/layouter`, `office/inner/clock`. */
export const CHILD_PATH = `${CHILD_NAME}(?:/${CHILD_NAME})*`;

/** What a subsystem lets its parent route (its `reports:`): one of its own sources, `layouter/window_layout`. */
export const SUBSYSTEM_REPORT = `${CHILD_PATH}/${REPORT_NAME}`;

/** The wildcard of a family: its name ends in it (`room/*`), and its routes name the member by it. */
export const WILDCARD = '*';

/** A family's name: a child name and `/*`. Its members are called `room/KEY`. */
export const FAMILY_NAME = `${CHILD_NAME}/\\*`;

/** An input's name in a family's route: segments of which some may be `*` (the reference check allows one). */
export const INPUT_PATTERN = `(?:${INPUT_SEGMENT}|\\*)(?:/(?:${INPUT_SEGMENT}|\\*))*`;

/** The whole-string regular expression of a pattern above. */
export function anchored(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}
