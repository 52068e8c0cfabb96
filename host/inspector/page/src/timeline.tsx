import type { History } from './model.js';

const LISTED = 14;

/**
 * The steps since the page connected, to step through: choose one and the scene, the graph and
 * every value show the host as it was at the end of that step; Live goes back to now.
 */
export function Timeline({ history, step, viewing, onView }: { history: History; step: number; viewing: number | null; onView: (step: number | null) => void }) {
  const steps = history.steps;
  if (steps.length === 0) return null;
  const first = steps[0]!.step;
  const last = steps.at(-1)!.step;
  const at = viewing ?? last;
  const index = Math.max(0, steps.findIndex((s) => s.step >= at));
  const go = (i: number) => onView(steps[Math.min(Math.max(i, 0), steps.length - 1)]!.step);
  const listed = steps.slice(Math.max(0, index - LISTED / 2), Math.max(0, index - LISTED / 2) + LISTED);
  return (
    <section class="timeline" aria-label="timeline">
      <div class="toolbar">
        <h2>Timeline</h2>
        <span class="where" data-viewing={viewing ?? 'live'}>
          {viewing === null ? `live · step ${step}` : `step ${viewing} · ${last - viewing} behind`}
        </span>
      </div>
      <div class="controls">
        <button aria-label="previous step" disabled={index === 0} onClick={() => go(viewing === null ? steps.length - 2 : index - 1)}>
          ◀
        </button>
        <input type="range" aria-label="step" min={first} max={last} value={at} onInput={(e) => onView(Number((e.target as HTMLInputElement).value))} />
        <button aria-label="next step" disabled={viewing === null} onClick={() => (index + 1 >= steps.length ? onView(null) : go(index + 1))}>
          ▶
        </button>
        <button disabled={viewing === null} onClick={() => onView(null)}>
          Live
        </button>
      </div>
      <ol class="steps">
        {listed.map((s) => (
          <li key={s.step} class={s.step === viewing ? 'current' : ''} data-step={s.step} onClick={() => onView(s.step)}>
            <span class="at">step {s.step}</span> {s.event || 'changes'} <span class="count">{Object.keys(s.changes).length} changed</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
