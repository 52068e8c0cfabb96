import type { ScenarioView, ServerMessage, Value } from '../../protocol.js';

/** A line of the log: faults, lifecycle events and failed requests, newest first. */
export interface LogEntry {
  readonly key: number;
  readonly kind: 'fault' | 'lifecycle' | 'error';
  readonly step: number | undefined;
  readonly text: string;
}

/** Everything the page shows, rebuilt from the host's messages alone. */
export interface Model {
  readonly connected: boolean;
  readonly step: number;
  readonly scenario: ScenarioView | null;
  readonly values: Readonly<Record<string, Value>>;
  readonly log: readonly LogEntry[];
}

export const EMPTY_MODEL: Model = { connected: false, step: 0, scenario: null, values: {}, log: [] };

const LOG_LENGTH = 200;
let logKey = 0;

export function applyMessages(model: Model, messages: readonly ServerMessage[]): Model {
  let { step, scenario, values, log } = model;
  let copied = false;
  const entries: LogEntry[] = [];
  for (const m of messages) {
    switch (m.type) {
      case 'hello':
        ({ step, scenario, values } = m);
        copied = false;
        break;
      case 'scenario':
        scenario = m.scenario;
        break;
      case 'value':
        if (!copied) (values = { ...values }), (copied = true);
        (values as Record<string, Value>)[m.source] = m.value;
        break;
      case 'step':
        step = m.step;
        break;
      case 'fault':
        entries.push({ key: logKey++, kind: 'fault', step: m.step, text: m.message });
        break;
      case 'lifecycle':
        entries.push({ key: logKey++, kind: 'lifecycle', step: m.step, text: `${m.child} ${m.action}` });
        break;
      case 'error':
        entries.push({ key: logKey++, kind: 'error', step: undefined, text: m.message });
        break;
    }
  }
  if (entries.length > 0) log = [...entries.reverse(), ...log].slice(0, LOG_LENGTH);
  return { ...model, step, scenario, values, log };
}

export function valueText(value: Value | undefined): string | undefined {
  return value !== undefined && 'text' in value ? value.text : undefined;
}

/** A value parsed as JSON, or undefined when it is absent, binary or not JSON. */
export function valueJson(value: Value | undefined): unknown {
  const text = valueText(value);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export interface ChildStatusView {
  readonly component: string;
  readonly status: string;
  readonly restarts: number;
  readonly fault?: { readonly step: number; readonly message: string };
}

/** The children as the host reports them in its ROM `host/state`. */
export function childStatuses(model: Model): Readonly<Record<string, ChildStatusView>> {
  const state = valueJson(model.values['host/state']) as { children?: Record<string, ChildStatusView> } | undefined;
  return state?.children ?? {};
}

/** The scenario's name of the component a child runs now (after a swap, not the one the scenario gives it), else its short hash. */
export function runningComponent(model: Model, child: string, status: ChildStatusView | undefined): string {
  const named = model.scenario?.children.find((c) => c.name === child)?.component ?? '';
  if (!status) return named;
  return model.scenario?.components.find((c) => c.hash === status.component)?.name ?? status.component.slice(0, 12);
}
