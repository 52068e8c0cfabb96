import { describeDivergence, type Divergence } from '../index.js';
import { jsonValue } from '../json-value.js';

/** A divergence as JSON for scripts (`--json` of replay and check): the values as text or base64, and its description for a person. */
export function divergenceJson(d: Divergence): Record<string, unknown> {
  return {
    step: d.step,
    kind: d.kind,
    ...(d.child === undefined ? {} : { child: d.child }),
    ...(d.report === undefined ? {} : { report: d.report }),
    ...(d.recorded === undefined ? {} : { recorded: d.recorded.map(jsonValue), replayed: (d.replayed ?? []).map(jsonValue) }),
    ...(d.recordedText === undefined ? {} : { recorded_text: d.recordedText, replayed_text: d.replayedText }),
    description: describeDivergence(d),
  };
}
