import type { HostState } from './host-state.js';

/**
 * The host's own report, the ROM `host/state` (after Genode init's state report): every child with
 * its component, status, restarts and last fault, and what the last scenario change did. No step
 * counter and no time: it changes only when a child or the scenario does, so routing it wakes
 * nobody on ordinary steps, and replays give the same bytes. The scenario's file is left out: its
 * path differs from machine to machine. So are shadows (`ChildState.shadow`): this ROM is routed to
 * children, and a shadow must change nothing they see, so that a run with one and its replay
 * without it (a journal does not record shadows) agree byte for byte. A family (`room/*`) shows as
 * its counts, and only its members that faulted or were killed or restarted show by name. In a
 * cluster, `host` names this host, a static child that runs on another shows as `elsewhere` with
 * that host's name, and a family's counts are of the members that run here.
 */
export function stateReport(state: HostState): Uint8Array {
  const children = Object.fromEntries(
    Object.values(state.children).map((c) => [
      c.name,
      {
        component: c.component,
        status: c.status,
        restarts: c.restarts,
        ...(c.host === undefined ? {} : { host: c.host }),
        ...(c.restartAt === undefined ? {} : { restart_at_step: c.restartAt }),
        ...(c.fault === undefined ? {} : { fault: { step: c.fault.step, code: c.fault.code, message: c.fault.message } }),
      },
    ]),
  );
  const applied = state.applied && {
    step: state.applied.step,
    started: state.applied.started,
    stopped: state.applied.stopped,
    restarted: state.applied.restarted,
    reconfigured: state.applied.reconfigured,
  };
  // A family is one line however many members it has: members and warm counts, never a list.
  const families =
    state.families &&
    Object.fromEntries(
      Object.values(state.families).map((f) => [f.name, { component: f.component, members: f.members, warm: f.warm }]),
    );
  // In a cluster, which host this is: its children are those it runs, or knows to run elsewhere.
  const host = state.host === undefined ? {} : { host: state.host };
  return new TextEncoder().encode(JSON.stringify({ ...host, children, ...(families ? { families } : {}), ...(applied ? { applied } : {}) }));
}
