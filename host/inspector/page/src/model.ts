import type { ScenarioView, ServerMessage, ShadowView, Value } from '../../protocol.js';
import { shadowLogLine, shadowsAfter } from './shadow-model.js';

/** A line of the log: faults, lifecycle events and failed requests, newest first. */
export interface LogEntry {
  readonly key: number;
  readonly kind: 'fault' | 'lifecycle' | 'error';
  readonly step: number | undefined;
  readonly text: string;
}

/** One step as the timeline keeps it: what started it, and every value it changed. */
export interface StepRecord {
  readonly step: number;
  readonly event: string;
  readonly changes: Readonly<Record<string, Value>>;
}

/**
 * The steps since the page connected (the last HISTORY of them), and the values before the first
 * of them: enough to show every ROM and report as it was at any step kept.
 */
export interface History {
  readonly base: Readonly<Record<string, Value>>;
  readonly steps: readonly StepRecord[];
}

/** Everything the page shows, rebuilt from the host's messages alone. */
export interface Model {
  readonly connected: boolean;
  readonly step: number;
  readonly scenario: ScenarioView | null;
  readonly values: Readonly<Record<string, Value>>;
  readonly log: readonly LogEntry[];
  readonly history: History;
  /** The shadows running now, by child. */
  readonly shadows: Readonly<Record<string, ShadowView>>;
}

export const EMPTY_MODEL: Model = { connected: false, step: 0, scenario: null, values: {}, log: [], history: { base: {}, steps: [] }, shadows: {} };

const HISTORY = 1000;

const LOG_LENGTH = 200;
let logKey = 0;

export function applyMessages(model: Model, messages: readonly ServerMessage[]): Model {
  let { step, scenario, values, log, shadows } = model;
  let copied = false;
  const entries: LogEntry[] = [];
  let history = model.history;
  // Records are shared with the previous model: one is copied before this call first changes it.
  type Draft = { step: number; event: string; changes: Record<string, Value> };
  let steps: StepRecord[] | undefined;
  const drafts = new Set<StepRecord>();
  const record = (at: number): Draft => {
    steps ??= [...history.steps];
    let last = steps.at(-1);
    if (last?.step !== at || !drafts.has(last)) {
      last = last?.step === at ? { ...last, changes: { ...last.changes } } : { step: at, event: '', changes: {} };
      if (steps.at(-1)?.step === at) steps[steps.length - 1] = last;
      else steps.push(last);
      drafts.add(last);
    }
    return last as Draft;
  };
  for (const m of messages) {
    switch (m.type) {
      case 'hello':
        ({ step, scenario, values, shadows } = m);
        copied = false;
        history = { base: m.values, steps: [] };
        steps = undefined;
        drafts.clear();
        break;
      case 'event':
        record(m.step).event = m.text;
        break;
      case 'scenario':
        scenario = m.scenario;
        break;
      case 'value':
        if (!copied) (values = { ...values }), (copied = true);
        (values as Record<string, Value>)[m.source] = m.value;
        record(m.step).changes[m.source] = m.value;
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
      case 'shadow': {
        shadows = shadowsAfter(shadows, m);
        const line = shadowLogLine(m, scenario);
        if (line) entries.push({ key: logKey++, step: m.step, ...line });
        break;
      }
    }
  }
  if (entries.length > 0) log = [...entries.reverse(), ...log].slice(0, LOG_LENGTH);
  if (steps) history = trimmed({ base: history.base, steps });
  return { ...model, step, scenario, values, log, history, shadows };
}

/** Keeps the last HISTORY steps, folding older ones into the base. */
function trimmed(history: History): History {
  const excess = history.steps.length - HISTORY;
  if (excess <= 0) return history;
  const base = { ...history.base };
  for (const record of history.steps.slice(0, excess)) Object.assign(base, record.changes);
  return { base, steps: history.steps.slice(excess) };
}

/** Every value as it was at the end of `step`. */
export function valuesAt(history: History, step: number): Readonly<Record<string, Value>> {
  const values = { ...history.base };
  for (const record of history.steps) {
    if (record.step > step) break;
    Object.assign(values, record.changes);
  }
  return values;
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

type StateTree = Record<string, ChildStatusView | { readonly children: StateTree }>;

/** The children as the host reports them in its ROM `host/state`, by path: a subsystem's tree (`left` → `layouter`) flattened to `left/layouter`. */
export function childStatuses(model: Model): Readonly<Record<string, ChildStatusView>> {
  const state = valueJson(model.values['host/state']) as { children?: StateTree } | undefined;
  const statuses: Record<string, ChildStatusView> = {};
  const walk = (tree: StateTree, prefix: string): void => {
    for (const [name, entry] of Object.entries(tree)) {
      if ('children' in entry) walk(entry.children, `${prefix}${name}/`);
      else statuses[`${prefix}${name}`] = entry;
    }
  };
  walk(state?.children ?? {}, '');
  return statuses;
}

/** The scenario's name of the component a child runs now (after a swap, not the one the scenario gives it), else its short hash. */
export function runningComponent(model: Model, child: string, status: ChildStatusView | undefined): string {
  const named = model.scenario?.children.find((c) => c.name === child)?.component ?? '';
  if (!status) return named;
  return model.scenario?.components.find((c) => c.hash === status.component)?.name ?? status.component.slice(0, 12);
}
