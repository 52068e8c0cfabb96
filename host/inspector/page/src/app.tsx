import { useEffect, useMemo, useState } from 'preact/hooks';
import { ChildPanel } from './child-panel.js';
import type { Connection } from './connection.js';
import { Graph } from './graph.js';
import { applyMessages, childStatuses, EMPTY_MODEL, valueJson, valuesAt, type Model } from './model.js';
import { Scene, sceneSources } from './scene.js';
import { Timeline } from './timeline.js';

export function App({ connection }: { connection: Connection }) {
  const [model, setModel] = useState<Model>(EMPTY_MODEL);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  // The step the timeline shows, or null: live.
  const [viewing, setViewing] = useState<number | null>(null);
  useEffect(() => {
    connection.onStatus = (connected) => setModel((m) => ({ ...m, connected }));
    return connection.listen((messages) => setModel((m) => applyMessages(m, messages)));
  }, [connection]);

  // Everything below draws `shown`: the host now, or as it was at the step the timeline shows.
  const shown = useMemo(() => (viewing === null ? model : { ...model, values: valuesAt(model.history, viewing) }), [model, viewing]);
  const statuses = childStatuses(shown);
  const sources = useMemo(() => sceneSources(model), [model.scenario]);
  const children = model.scenario?.children ?? [];
  const child = children.find((c) => c.name === selected) ?? children[0];

  return (
    <div class="app">
      <header>
        <h1>romhost inspector</h1>
        <span class="file">{model.scenario?.file ?? ''}</span>
        <span class="step" data-step={model.step}>
          step {model.step}
        </span>
        <span class={model.connected ? 'online' : 'offline'}>{model.connected ? 'connected' : 'connecting…'}</span>
      </header>
      <main>
        {sources && (
          <section class="scene-panel" aria-label="scene">
            <div class="toolbar">
              <h2>Scene</h2>
              {sources.windows && <button onClick={() => openWindow(connection, sources.windows!, valueJson(model.values[sources.windows!]))}>Open a window</button>}
            </div>
            <Scene model={shown} sources={sources} connection={connection} live={viewing === null} />
          </section>
        )}
        <aside>
          <Timeline history={model.history} step={model.step} viewing={viewing} onView={setViewing} />
          {model.scenario && <Graph model={shown} scenario={model.scenario} statuses={statuses} selected={child?.name} onSelect={setSelected} />}
          {child && <ChildPanel key={child.name} child={child} status={statuses[child.name]} model={shown} connection={connection} />}
        </aside>
      </main>
      <footer>
        <h2>Log</h2>
        <ol class="log">
          {model.log.map((entry) => (
            <li key={entry.key} class={entry.kind}>
              {entry.step !== undefined && <span class="at">step {entry.step}</span>} {entry.text}
            </li>
          ))}
        </ol>
      </footer>
    </div>
  );
}

/** Adds a window to the windows input, as an application opening one would. */
function openWindow(connection: Connection, source: string, current: unknown): void {
  const list = Array.isArray(current) ? (current as { id: number }[]) : [];
  const id = Math.max(0, ...list.map((w) => (Number.isInteger(w.id) ? w.id : 0))) + 1;
  connection.send({ type: 'publish', rom: source, text: JSON.stringify([...list, { id, title: `Window ${id}` }]) });
}
