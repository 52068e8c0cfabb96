import type { Engine } from '../engine/index.js';
import { createHost } from '../host.js';
import type { ChildRecord } from './child-records.js';
import type { ClusterScenario } from './cluster-scenario.js';
import type { InputLog } from './input-log.js';

export interface CatchUpOptions {
  readonly scenario: ClusterScenario;
  readonly engine: Engine;
  readonly log: InputLog;
  /** The children to bring forward, each from its checkpoint (none past `to`). */
  readonly orphans: ReadonlyMap<string, ChildRecord>;
  /** The input they are brought to: where the taking host is. */
  readonly to: number;
  /** The reports of every other child as the taking host knows them: what the orphans route from other hosts. */
  readonly reports: Iterable<readonly [string, Uint8Array]>;
}

const HERE = 'catch-up';

/**
 * Brings children taken over from a host that lapsed up to the taker's input: a host of their
 * own on the scenario, where each joins at its checkpoint, with its reports and the values its
 * inputs had then, and from there handles every input it routes in the log's order, as it would
 * have on its old host. A child's inputs are fed exactly once each: the ones before its
 * checkpoint are in its state already. Reports it routes from other hosts' children are their
 * latest values, as everywhere in a cluster. Resolves with each orphan's reports at `to`.
 */
export async function catchUp(o: CatchUpOptions): Promise<Map<string, Record<string, Uint8Array>>> {
  const waiting = [...o.orphans].sort(([, a], [, b]) => a.seq - b.seq);
  const from = waiting[0]?.[1].seq ?? o.to;
  const values = new Map<string, Uint8Array>(o.reports);
  for (const [child, record] of o.orphans) for (const [report, value] of Object.entries(record.reports)) values.set(`${child}/${report}`, value);
  // Each input's value as the earliest checkpoint has it: the log sets it from there on, in order.
  for (const [, record] of [...waiting].reverse()) for (const [source, value] of Object.entries(record.roms)) values.set(source, value);

  const joined = new Set<string>();
  const join = (upTo: number): string[] => {
    const now: string[] = [];
    while (waiting.length > 0 && waiting[0]![1].seq <= upTo) now.push(waiting.shift()![0]);
    for (const child of now) joined.add(child);
    return now;
  };
  join(from);
  const host = createHost({
    engine: o.engine,
    placement: { host: HERE, owner: (child) => (joined.has(child) ? HERE : '') },
    resume: { step: 0, values },
  });
  try {
    await host.apply(o.scenario.scenario);
    for await (const input of o.log.read(from + 1, o.to)) {
      const now = join(input.seq - 1);
      if (now.length > 0) await host.place(now);
      await host.publish(input.source.slice('input/'.length), input.content);
    }
    const now = join(o.to);
    if (now.length > 0) await host.place(now);
    return new Map([...o.orphans.keys()].map((child) => [child, o.scenario.reportValues(child, (source) => host.read(source))]));
  } finally {
    await host.close();
  }
}
