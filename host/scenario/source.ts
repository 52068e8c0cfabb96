import type { RomSource } from './types.js';
import { CHILD_NAME, INPUT_NAME, INPUT_PATTERN, MEMBER_KEY, REPORT_NAME, anchored } from './names.js';

/**
 * What a route may name: `CHILD/REPORT`, `input/NAME` or `host/state`; for families,
 * `FAMILY/KEY/REPORT` (a member's report) and, in a family's own routes, sources with a `*`
 * segment for the member's key (`room/STAR/state`, `input/room/STAR/msg`, STAR being `*`); for
 * subsystems, `SUBSYSTEM/CHILD/REPORT` (`office/layouter/window_layout`), at any depth.
 * Where a `*` may stand, and what a subsystem lets out, is the reference check's to say.
 */
export const SOURCE = `input/${INPUT_PATTERN}|host/state|${CHILD_NAME}/(?:(?:${MEMBER_KEY}|\\*)/)*${REPORT_NAME}`;
const SOURCE_RE = anchored(SOURCE);

export function isSource(text: string): boolean {
  return SOURCE_RE.test(text);
}

const INPUT_NAME_RE = anchored(INPUT_NAME);
const INPUT_SOURCE_RE = anchored(`input/${INPUT_NAME}`);

/** Whether `name` may name an input: `pointer`, `room/1/msg`. */
export function isInputName(name: string): boolean {
  return INPUT_NAME_RE.test(name);
}

/** Whether `source` is an input's source: `input/` and an input's name. */
export function isInputSource(source: string): boolean {
  return INPUT_SOURCE_RE.test(source);
}

/** Why `text` is not a source, in words: the general form, plus a hint for the near misses. */
export function sourceExpectation(text: unknown): string {
  const general = 'expected a source: CHILD/REPORT, input/NAME or host/state';
  if (typeof text !== 'string') return general;
  if (text.startsWith('host/')) return `${general} (the host's only report is host/state)`;
  if (text.startsWith('input/'))
    return `${general} (an input's NAME uses letters, digits, '.', '_', '-' and '/', with no empty part)`;
  if (text.startsWith('config/')) return `${general} (inline values go under config:, not roms:)`;
  return general;
}

/**
 * The source a route names. `text` must have passed `isSource`. A report's name holds no '/', so
 * the child is everything before the last one: `room/42` (a member) in `room/42/count`.
 */
export function parseSource(text: string): RomSource {
  if (text === 'host/state') return { kind: 'host-state' };
  if (text.startsWith('input/')) return { kind: 'input', name: text.slice('input/'.length) };
  const slash = text.lastIndexOf('/');
  return { kind: 'report', child: text.slice(0, slash), report: text.slice(slash + 1) };
}

/** The route text of a source: `parseSource(formatSource(s))` equals `s`. */
export function formatSource(source: RomSource): string {
  switch (source.kind) {
    case 'report':
      return `${source.child}/${source.report}`;
    case 'input':
      return `input/${source.name}`;
    case 'host-state':
      return 'host/state';
  }
}
