import type { ScenarioView, ServerMessage, ShadowView } from '../../protocol.js';

type ShadowMessage = Extract<ServerMessage, { type: 'shadow' }>;

/**
 * The shadows after one of their messages: a started shadow has no divergence yet, a divergence
 * replaces what its report showed before, an agreement clears it, a fault or a drop removes the
 * shadow.
 */
export function shadowsAfter(shadows: Readonly<Record<string, ShadowView>>, m: ShadowMessage): Readonly<Record<string, ShadowView>> {
  const { [m.child]: shadow, ...others } = shadows;
  switch (m.kind) {
    case 'started':
      return { ...others, [m.child]: { component: m.component, divergences: 0, diverging: [] } };
    case 'divergence': {
      if (!shadow) return shadows;
      const entry = { report: m.report, live: m.live, candidate: m.candidate };
      const at = shadow.diverging.findIndex((d) => d.report === m.report);
      const diverging = at < 0 ? [...shadow.diverging, entry] : shadow.diverging.map((d, i) => (i === at ? entry : d));
      return { ...others, [m.child]: { ...shadow, divergences: shadow.divergences + 1, diverging } };
    }
    case 'agreed':
      return shadow ? { ...others, [m.child]: { ...shadow, diverging: shadow.diverging.filter((d) => d.report !== m.report) } } : shadows;
    case 'fault':
    case 'dropped':
      return others;
  }
}

/** The log's line for a shadow's message, if it gets one: its start (the candidate by the scenario's name for it, else its short hash), its fault, its end. */
export function shadowLogLine(m: ShadowMessage, scenario: ScenarioView | null): { kind: 'fault' | 'lifecycle'; text: string } | undefined {
  switch (m.kind) {
    case 'started':
      return { kind: 'lifecycle', text: `${m.child} shadowed by ${scenario?.components.find((c) => c.hash === m.component)?.name ?? m.component.slice(0, 12)}` };
    case 'fault':
      return { kind: 'fault', text: `the shadow of ${m.child} faulted and was dropped: ${m.message}` };
    case 'dropped':
      return { kind: 'lifecycle', text: `${m.child} shadow dropped: ${m.reason}` };
    default:
      return undefined;
  }
}
