import { describeDivergence, type Divergence, type Sides } from '../index.js';
import { jsonValue } from '../json-value.js';

const REPLAY: Sides = { recorded: 'recorded', replayed: 'replayed' };

/**
 * A divergence as JSON for scripts (`--json` of replay, check and bisect): the values as text or
 * base64, and its description for a person. Each side's values go under its name in lower case:
 * `recorded` and `replayed`, or bisect's `a` and `b`.
 */
export function divergenceJson(d: Divergence, sides: Sides = REPLAY): Record<string, unknown> {
  const [x, y] = [sides.recorded.toLowerCase(), sides.replayed.toLowerCase()];
  return {
    step: d.step,
    kind: d.kind,
    ...(d.child === undefined ? {} : { child: d.child }),
    ...(d.report === undefined ? {} : { report: d.report }),
    ...(d.recorded === undefined ? {} : { [x]: d.recorded.map(jsonValue), [y]: (d.replayed ?? []).map(jsonValue) }),
    ...(d.recordedText === undefined ? {} : { [`${x}_text`]: d.recordedText, [`${y}_text`]: d.replayedText }),
    description: describeDivergence(d, sides),
  };
}
