import { utf8 } from '../utf8.js';
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
 * that host's name, and a family's counts are of the members that run here. A subsystem shows as
 * the tree it is: `"office": {"children": {"layouter": {...}}}`, in name order.
 */
export function stateReport(state: HostState): Uint8Array {
  const entries = Object.values(state.children).map((c) => [
      c.name,
      {
        component: c.component,
        status: c.status,
        restarts: c.restarts,
        ...(c.host === undefined ? {} : { host: c.host }),
        ...(c.restartAt === undefined ? {} : { restart_at_step: c.restartAt }),
        ...(c.fault === undefined ? {} : { fault: { step: c.fault.step, code: c.fault.code, message: c.fault.message } }),
      },
    ] as const);
  const children = state.subsystems ? asTree(entries, state.subsystems) : Object.fromEntries(entries);
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
  return utf8(JSON.stringify({ ...host, children, ...(families ? { families } : {}), ...(applied ? { applied } : {}) }));
}

/**
 * `stateReport`, computed again only when something it shows changed: a member's wake and the
 * cool-down after it leave its family's counts as they were, and the report with them.
 */
export function stateReporter(): (state: HostState) => Uint8Array {
  let last: { readonly state: HostState; readonly bytes: Uint8Array } | undefined;
  return (state) => {
    if (last === undefined || !showsSame(last.state, state)) last = { state, bytes: stateReport(state) };
    return last.bytes;
  };
}

/** Whether two states show the same in host/state: snapshots share what did not change (immer), and family counts are compared. */
export function showsSame(a: HostState, b: HostState): boolean {
  return a.children === b.children && a.applied === b.applied && a.host === b.host && a.subsystems === b.subsystems && sameCounts(a.families, b.families);
}

function sameCounts(a: HostState['families'], b: HostState['families']): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every((name) => {
    const [x, y] = [a[name]!, b[name]];
    return y !== undefined && x.component === y.component && x.members === y.members && x.warm === y.warm;
  });
}

type Node = { children: Record<string, unknown> };

/** Children by path (`office/layouter`) nested under their subsystems, in the order of `entries` (by name): a subsystem where its first child is. */
function asTree(entries: readonly (readonly [string, unknown])[], subsystems: readonly string[]): Record<string, unknown> {
  const root: Node = { children: {} };
  const nodes = new Map<string, Node>([['', root]]);
  const node = (path: string): Node => {
    let found = nodes.get(path);
    if (!found) {
      const slash = path.lastIndexOf('/');
      found = { children: {} };
      node(slash < 0 ? '' : path.slice(0, slash)).children[path.slice(slash + 1)] = found;
      nodes.set(path, found);
    }
    return found;
  };
  for (const [name, child] of entries) {
    // The deepest subsystem the name is inside: a member of a family (`room/7`) is inside none.
    const parent = subsystems.filter((s) => name.startsWith(`${s}/`)).reduce((a, b) => (b.length > a.length ? b : a), '');
    node(parent).children[parent === '' ? name : name.slice(parent.length + 1)] = child;
  }
  for (const subsystem of subsystems) node(subsystem); // one with no children shows too
  return root.children;
}
