import { createTwoFilesPatch } from 'diff';
import diffObjects from 'microdiff';
import { jsonValue } from '../json-value.js';
import { equalBytes } from '../sessions/index.js';
import type { Divergence } from './compare.js';
import { decodeBytes, type EventEntry } from './format.js';

const MAX_LINES = 40;
/** Lines added or removed (a changed line is both) past which two multi-line values get no line diff (diffValues). */
const MAX_EDIT = 1000;

/**
 * What the two sides of a divergence are called: a replay's are `recorded` and `replayed`; a
 * bisection's are the two implementations, `A` and `B`.
 */
export interface Sides {
  readonly recorded: string;
  readonly replayed: string;
}

const REPLAY: Sides = { recorded: 'recorded', replayed: 'replayed' };

/** A divergence for a person: what happened at which step, then recorded vs replayed as a diff. */
export function describeDivergence(d: Divergence, sides: Sides = REPLAY): string {
  const head = `step ${d.step} (${describeEvent(d.event)})`;
  if (d.kind === 'event') {
    // A replay's recorded event always ran; a bisection's may fail on either side.
    if (sides === REPLAY) return `${head}: the recorded event fails on replay: ${d.replayedText}`;
    return `${head}: ${sides.recorded} ${d.recordedText}; ${sides.replayed} ${d.replayedText}`;
  }
  if (d.kind === 'fault') return `${head}: ${d.child ? `child "${d.child}" ` : ''}${sides.recorded} ${d.recordedText}; ${sides.replayed} ${d.replayedText}`;
  const recorded = d.recorded ?? [];
  const replayed = d.replayed ?? [];
  const lines = [`${head}: report ${d.report} differs`];
  if (recorded.length !== replayed.length) lines.push(`  ${sides.recorded} ${recorded.length} change(s) in this step, ${sides.replayed} ${replayed.length}`);
  // The first value that differs: a later one may well be equal again, and would show nothing.
  let i = 0;
  while (i < recorded.length && i < replayed.length && equalBytes(recorded[i]!, replayed[i]!)) i += 1;
  if (i > 0) lines.push(`  change ${i + 1} of the step:`);
  // One by one: a diff of long values has more lines than a call takes arguments.
  for (const l of diffValues(recorded[i], replayed[i], sides)) lines.push(`  ${l}`);
  if (lines.length <= MAX_LINES) return lines.join('\n');
  return [...lines.slice(0, MAX_LINES - 1), `  … ${lines.length - MAX_LINES + 1} more line(s)`].join('\n');
}

/** The event, short: `input input/pointer = {"x":1,...}`, `kill layouter`. */
export function describeEvent(e: EventEntry): string {
  if ('apply' in e) return `apply ${e.apply.file}`;
  if ('input' in e) return `input ${e.input} = ${clip(inline(decodeBytes(e)))}`;
  if ('kill' in e) return `kill ${e.kill}`;
  if ('restart' in e) return `restart ${e.restart}`;
  if ('hibernate' in e) return `hibernate ${e.hibernate}`;
  return `swap ${e.swap} to ${e.path ?? e.component.slice(0, 12)}`;
}

/** Recorded vs replayed: paths that differ for JSON, a unified diff for multi-line text, both values otherwise. */
export function diffValues(recorded: Uint8Array | undefined, replayed: Uint8Array | undefined, sides: Sides = REPLAY): string[] {
  if (recorded === undefined || replayed === undefined) {
    return [`${sides.recorded}: ${recorded === undefined ? 'no change' : show(recorded)}`, `${sides.replayed}: ${replayed === undefined ? 'no change' : show(replayed)}`];
  }
  const x = json(recorded);
  const y = json(replayed);
  const changes = typeof x === 'object' && typeof y === 'object' && x !== null && y !== null ? diffObjects(x, y) : [];
  // Equal as JSON but not as bytes (key order, spacing): the values themselves say how.
  if (changes.length > 0) {
    return changes.map((c) => {
      const path = `$${c.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}`;
      if (c.type === 'CHANGE') return `${path}: ${clip(JSON.stringify(c.oldValue))} → ${clip(JSON.stringify(c.value))}`;
      if (c.type === 'CREATE') return `${path}: only ${sides.replayed}: ${clip(JSON.stringify(c.value))}`;
      return `${path}: only ${sides.recorded}: ${clip(JSON.stringify(c.oldValue))}`;
    });
  }
  const a = jsonValue(recorded);
  const b = jsonValue(replayed);
  const both = [`${sides.recorded}: ${show(recorded)}`, `${sides.replayed}: ${show(replayed)}`];
  if (typeof a === 'string' && typeof b === 'string' && (a.includes('\n') || b.includes('\n'))) {
    // A line diff costs the values' lengths times the lines added and removed: past MAX_EDIT of those,
    // it is given up (undefined) and both values are shown instead; a count, not a time, so it says
    // the same each run.
    const patch = createTwoFilesPatch(sides.recorded, sides.replayed, ensureNewline(a), ensureNewline(b), '', '', { context: 2, maxEditLength: MAX_EDIT });
    if (patch !== undefined) {
      const lines = patch.trimEnd().split('\n');
      // From the `--- recorded` / `+++ replayed` header on: what comes before it is a separator.
      return lines.slice(lines.findIndex((l) => l.startsWith('--- ')));
    }
    return [...both, `(over ${MAX_EDIT} lines added or removed: no line diff)`];
  }
  return both;
}

function json(bytes: Uint8Array): unknown {
  const text = jsonValue(bytes);
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const show = (bytes: Uint8Array) => clip(JSON.stringify(jsonValue(bytes)));
/** A value on one line: JSON as it is, other text quoted (its newlines escaped), bytes as base64. */
const inline = (bytes: Uint8Array) => (json(bytes) !== undefined ? (jsonValue(bytes) as string) : JSON.stringify(jsonValue(bytes)));
const clip = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}… (${text.length} characters)` : text);
const ensureNewline = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
