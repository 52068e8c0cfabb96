import { expect, test } from 'vitest';
import { childStatuses, EMPTY_MODEL } from './model.js';

test('childStatuses reads host/state flat, and a subsystem tree by path', () => {
  const running = { component: 'c0ffee', status: 'running', restarts: 0 };
  const stopped = { component: 'c0ffee', status: 'stopped', restarts: 1 };
  const state = { children: { left: { children: { layouter: running, inner: { children: { clock: stopped } } } }, panel: running } };
  const model = { ...EMPTY_MODEL, values: { 'host/state': { text: JSON.stringify(state) } } };
  expect(childStatuses(model)).toEqual({ 'left/layouter': running, 'left/inner/clock': stopped, panel: running });
  expect(childStatuses(EMPTY_MODEL)).toEqual({});
});
