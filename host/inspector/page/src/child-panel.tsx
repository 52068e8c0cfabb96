import { useState } from 'preact/hooks';
import type { ChildView } from '../../protocol.js';
import type { Connection } from './connection.js';
import { runningComponent, type ChildStatusView, type Model } from './model.js';
import { ShadowPanel } from './shadow-panel.js';
import { ValueView } from './value-view.js';

/** One child: its status, the lifecycle buttons, its shadow if it has one, and the values of its ROMs and reports. */
export function ChildPanel({ child, status, model, connection }: { child: ChildView; status: ChildStatusView | undefined; model: Model; connection: Connection }) {
  const components = (model.scenario?.components ?? []).map((c) => c.name);
  const running = runningComponent(model, child.name, status);
  const [target, setTarget] = useState<string | undefined>(undefined);
  const swapTo = target && components.includes(target) ? target : (components.find((c) => c !== running) ?? running);
  const act = (request: Parameters<Connection['request']>[0]) => void connection.request(request).catch(() => undefined); // the host's error reaches the log
  return (
    <section class="child" aria-label={`child ${child.name}`}>
      <h2>
        {child.name} <span class={`status ${status?.status ?? ''}`}>{status?.status ?? 'starting'}</span>
      </h2>
      <p class="meta">
        component <b data-component={running}>{running}</b> {status && <code title={status.component}>{status.component.slice(0, 12)}</code>} · restarts {status?.restarts ?? 0}
      </p>
      {status?.fault && <p class="fault">step {status.fault.step}: {status.fault.message}</p>}
      <div class="actions">
        <button onClick={() => act({ type: 'kill', child: child.name })}>Kill</button>
        <button onClick={() => act({ type: 'restart', child: child.name })}>Restart</button>
        <button onClick={() => act({ type: 'hibernate', child: child.name })}>Hibernate</button>
        <select aria-label="component to swap in or shadow with" value={swapTo} onChange={(e) => setTarget((e.target as HTMLSelectElement).value)}>
          {components.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <button onClick={() => act({ type: 'swap', child: child.name, component: swapTo })}>Swap</button>
        <button onClick={() => act({ type: 'shadow', child: child.name, component: swapTo })}>Shadow</button>
      </div>
      {model.shadows[child.name] && <ShadowPanel child={child.name} shadow={model.shadows[child.name]!} model={model} act={act} />}
      <h3>ROMs</h3>
      <dl>
        {Object.entries(child.roms).map(([local, source]) => (
          <div key={local} data-rom={local}>
            <dt>
              {local} <span class="source">← {source}</span>
            </dt>
            <dd>
              <ValueView value={model.values[source]} />
            </dd>
          </div>
        ))}
        {Object.entries(child.config).map(([local, value]) => (
          <div key={local} data-rom={local}>
            <dt>
              {local} <span class="source">← the scenario</span>
            </dt>
            <dd>
              <ValueView value={value} />
            </dd>
          </div>
        ))}
      </dl>
      <h3>Reports</h3>
      <dl>
        {child.reports.map((report) => (
          <div key={report} data-report={report}>
            <dt>{report}</dt>
            <dd>
              <ValueView value={model.values[`${child.name}/${report}`]} />
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
