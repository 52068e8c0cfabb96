import type { HostState } from './host-state.js';

/**
 * The host's own report, the ROM `host/state` (after Genode init's state report): every child with
 * its component, status, restarts and last fault. No step counter and no time: it changes only
 * when a child does, so routing it wakes nobody on ordinary steps, and replays give the same bytes.
 */
export function stateReport(state: HostState): Uint8Array {
  const children = Object.fromEntries(
    Object.values(state.children).map((c) => [
      c.name,
      {
        component: c.component,
        status: c.status,
        restarts: c.restarts,
        ...(c.restartAt === undefined ? {} : { restart_at_step: c.restartAt }),
        ...(c.fault === undefined ? {} : { fault: { step: c.fault.step, code: c.fault.code, message: c.fault.message } }),
      },
    ]),
  );
  return new TextEncoder().encode(JSON.stringify({ children }));
}
