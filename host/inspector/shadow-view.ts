import type { Host, ShadowEvent } from '../index.js';
import { jsonFields } from '../json-value.js';
import type { ServerMessage, ShadowView, Value } from './protocol.js';

const view = (content: Uint8Array | undefined): Value | null => (content === undefined ? null : jsonFields(content));

/** A shadow's event as the page hears it. */
export function shadowMessage(e: ShadowEvent): ServerMessage {
  const at = { type: 'shadow', step: e.step, child: e.child } as const;
  switch (e.kind) {
    case 'started':
      return { ...at, kind: 'started', component: e.component };
    case 'divergence':
      return { ...at, kind: 'divergence', report: e.report, live: view(e.live), candidate: view(e.candidate) };
    case 'agreed':
      return { ...at, kind: 'agreed', report: e.report };
    case 'fault':
      return { ...at, kind: 'fault', code: e.code, message: e.message };
    case 'dropped':
      return { ...at, kind: 'dropped', reason: e.reason };
  }
}

/** The shadows running now, for a page that connects while they run: what differs, with both values. */
export function shadowViews(host: Host): Record<string, ShadowView> {
  const views: Record<string, ShadowView> = {};
  for (const [child, { shadow }] of Object.entries(host.state.children)) {
    if (!shadow) continue;
    const candidate = host.shadowReports(child);
    const diverging = shadow.diverging.map((report) => ({ report, live: view(host.read(`${child}/${report}`)), candidate: view(candidate?.get(report)) }));
    views[child] = { component: shadow.component, divergences: shadow.divergences, diverging };
  }
  return views;
}
