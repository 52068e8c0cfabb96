import type { ShadowView } from '../../protocol.js';
import type { Connection } from './connection.js';
import type { Model } from './model.js';
import { ValueView } from './value-view.js';

/**
 * A child's shadow: the candidate, Promote (swap the child to it) and Stop shadow, and each report
 * on which the two differ now, with the child's value beside the candidate's.
 */
export function ShadowPanel({
  child,
  shadow,
  model,
  act,
}: {
  child: string;
  shadow: ShadowView;
  model: Model;
  act: (request: Parameters<Connection['request']>[0]) => void;
}) {
  const name = model.scenario?.components.find((c) => c.hash === shadow.component)?.name ?? shadow.component.slice(0, 12);
  return (
    <div class="shadow" aria-label={`shadow of ${child}`}>
      <h3>Shadow</h3>
      <p class="meta">
        candidate <b data-shadow-component={name}>{name}</b> <code title={shadow.component}>{shadow.component.slice(0, 12)}</code> · divergences{' '}
        <span data-divergences={shadow.divergences}>{shadow.divergences}</span>
      </p>
      <div class="actions">
        <button onClick={() => act({ type: 'promote', child })}>Promote</button>
        <button onClick={() => act({ type: 'unshadow', child })}>Stop shadow</button>
      </div>
      {shadow.diverging.length === 0 ? (
        <p class="agreed">agrees with {child} on every report</p>
      ) : (
        <dl>
          {shadow.diverging.map((d) => (
            <div key={d.report} data-diverging={d.report}>
              <dt>{d.report}</dt>
              <dd class="pair">
                <div data-side="live">
                  <span class="side">live</span>
                  <ValueView value={d.live ?? undefined} />
                </div>
                <div data-side="candidate">
                  <span class="side">candidate</span>
                  <ValueView value={d.candidate ?? undefined} />
                </div>
              </dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}
