import { distinctUntilChanged, map, skip, Subscription } from 'rxjs';
import WebSocket from 'ws';
import { compareCodeUnits } from '../code-unit-order.js';
import { displayPath } from '../display-path.js';
import { fail } from '../errors.js';
import type { Host, StepResult } from '../index.js';
import { jsonFields } from '../json-value.js';
import { describeEvent, eventEntry } from '../journal/index.js';
import { parseClientMessage } from './client-message.js';
import { PROTOCOL_VERSION, type ClientMessage, type ServerMessage, type Value } from './protocol.js';
import { scenarioView } from './scenario-view.js';
import { shadowMessage, shadowViews } from './shadow-view.js';

/**
 * One page's connection: pushes the host's changes to it and runs its requests. What the host
 * says in one synchronous stretch (a step runs without yielding: its report changes, its faults,
 * the step itself) goes out as one WebSocket message, a JSON array, sent from a microtask once
 * the step is over, with only the last value of each source: ROMs are latest-value, so the page
 * loses nothing it could draw.
 */
export function serveConnection(host: Host, socket: WebSocket): void {
  let batch: ServerMessage[] = [];
  let values = new Map<string, Value>();
  let valuesStep = 0;
  const flush = () => {
    const messages = [...[...values].map(([source, value]): ServerMessage => ({ type: 'value', step: valuesStep, source, value })), ...batch];
    batch = [];
    values = new Map();
    if (messages.length > 0 && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(messages));
  };
  const queue = (message: ServerMessage) => {
    if (batch.length === 0 && values.size === 0) queueMicrotask(flush);
    batch.push(message);
  };
  const queueValue = (source: string, value: Value) => {
    // A step's values are coalesced, never two steps' (the page's timeline keeps each step): the
    // step under way is the one after the last finished.
    const step = host.state.step + 1;
    if (values.size > 0 && step !== valuesStep) flush();
    if (batch.length === 0 && values.size === 0) queueMicrotask(flush);
    valuesStep = step;
    values.delete(source); // re-inserted last: the page hears of sources in the order they last changed
    values.set(source, value);
  };

  socket.send(JSON.stringify([hello(host)]));
  const subscriptions = new Subscription();
  subscriptions.add(host.values$.subscribe(({ source, content }) => queueValue(source, jsonFields(content))));
  subscriptions.add(host.events$.subscribe((e) => queue({ type: 'event', step: e.step, text: describeEvent(eventEntry(e, displayPath)) })));
  subscriptions.add(host.faults$.subscribe((fault) => queue({ type: 'fault', ...fault })));
  subscriptions.add(host.lifecycle$.subscribe(({ step, child, action }) => queue({ type: 'lifecycle', step, child, action })));
  subscriptions.add(host.shadow$.subscribe((e) => queue(shadowMessage(e))));
  // state$ starts with the current state, which the hello has already told.
  const state$ = host.state$.pipe(skip(1));
  subscriptions.add(state$.pipe(map((s) => s.step), distinctUntilChanged()).subscribe((step) => queue({ type: 'step', step })));
  subscriptions.add(
    state$.pipe(map((s) => s.applied), distinctUntilChanged()).subscribe(() => host.scenario && queue({ type: 'scenario', scenario: scenarioView(host.scenario) })),
  );

  socket.on('message', (data, isBinary) => {
    let message: ClientMessage;
    try {
      message = parseClientMessage(isBinary ? '' : data.toString());
    } catch (e) {
      queue({ type: 'error', message: (e as Error).message });
      return;
    }
    // The transport's own round trip, answered at once: the baseline the ui-latency bench compares with.
    if (message.type === 'ping') return socket.send(JSON.stringify([{ type: 'pong', id: message.id }]));
    const { id } = message;
    request(host, message).then(
      ({ step }) => id !== undefined && queue({ type: 'done', id, step }),
      (e: unknown) => queue({ type: 'error', ...(id === undefined ? {} : { id }), message: (e as Error).message }),
    );
  });
  socket.on('close', () => subscriptions.unsubscribe());
}

function hello(host: Host): ServerMessage {
  const scenario = host.scenario && scenarioView(host.scenario);
  const routed = scenario?.children.flatMap((c) => Object.values(c.roms)) ?? [];
  const values: Record<string, Value> = {};
  for (const source of [...new Set([...host.reports().keys(), ...routed, 'host/state'])].sort(compareCodeUnits)) {
    const content = host.read(source);
    if (content !== undefined) values[source] = jsonFields(content);
  }
  return { type: 'hello', version: PROTOCOL_VERSION, step: host.state.step, scenario: scenario ?? null, values, shadows: shadowViews(host) };
}

async function request(host: Host, message: Exclude<ClientMessage, { type: 'ping' }>): Promise<StepResult> {
  switch (message.type) {
    case 'publish':
      return host.publish(message.rom.slice('input/'.length), message.text);
    case 'kill':
      return host.kill(message.child);
    case 'restart':
      return host.restart(message.child);
    case 'hibernate':
      return host.hibernate(message.child);
    case 'swap':
      return host.swap(message.child, componentPath(host, message.component));
    case 'shadow':
      return host.shadow(message.child, componentPath(host, message.component));
    case 'promote':
      return host.promote(message.child);
    case 'unshadow':
      return host.unshadow(message.child);
  }
}

/** The file of the scenario's component called `name`: the page names components as the scenario does. */
function componentPath(host: Host, name: string): string {
  const components = host.scenario?.components ?? {};
  return (components[name] ?? fail('unknown-component', { component: name, known: Object.keys(components).sort() })).path;
}
