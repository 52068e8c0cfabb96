import type { ShadowEvent } from '../index.js';
import { jsonValue } from '../json-value.js';

/**
 * A shadow's event as `romhost run` prints it: `{"step": N, "shadow": {"child": C, ...}}` with
 * `started` (the candidate's hash), `report` with `live` and `candidate` (text, `{base64}`, or
 * null for no value), `report` with `agreed: true`, `fault` ({code, message}) or `dropped` (why).
 */
export function shadowLine(e: ShadowEvent): object {
  const value = (content: Uint8Array | undefined) => (content === undefined ? null : jsonValue(content));
  const what = (() => {
    switch (e.kind) {
      case 'started':
        return { started: e.component };
      case 'divergence':
        return { report: e.report, live: value(e.live), candidate: value(e.candidate) };
      case 'agreed':
        return { report: e.report, agreed: true };
      case 'fault':
        return { fault: { code: e.code, message: e.message } };
      case 'dropped':
        return { dropped: e.reason };
    }
  })();
  return { step: e.step, shadow: { child: e.child, ...what } };
}
