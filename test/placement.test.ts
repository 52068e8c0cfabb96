import { describe, expect, it } from 'vitest';
import { createHost, isRomhostError, type Host, type Placement } from '../host/index.js';
import { COUNTER_CHAIN, scenario, text } from './support/scenarios.js';

/**
 * Placement, the host's side of a cluster (host/cluster does the NATS side): two hosts in one
 * process, owners kept in a plain map, and every report of one handed to the other by `receive`,
 * as the cluster's KV watch does. Together they must report what one host alone does.
 */

function owners(initial: Record<string, string>) {
  const map = new Map(Object.entries(initial));
  const placement = (host: string): Placement => ({ host, owner: (child) => map.get(child) ?? '' });
  return { map, placement };
}

/** Hosts that hand each other the reports of the children they run, in the order they change. */
function linked(hosts: Host[]): { settled(): Promise<void> } {
  const pending: Promise<unknown>[] = [];
  for (const from of hosts) {
    from.reports$.subscribe((c) => {
      for (const to of hosts) if (to !== from) pending.push(to.receive(c.source, c.content));
    });
  }
  return {
    async settled() {
      while (pending.length > 0) await pending.shift();
    },
  };
}

const status = (host: Host, child: string) => host.state.children[child]?.status;

describe('placement: hosts that run some children each', () => {
  it('run a chain split across two hosts to the reports of one host', async () => {
    const { placement } = owners({ counter: 'a', 'plus-one': 'b' });
    const alone = createHost();
    const a = createHost({ placement: placement('a') });
    const b = createHost({ placement: placement('b') });
    const link = linked([a, b]);
    for (const host of [alone, a, b]) await host.apply(scenario(COUNTER_CHAIN));
    for (const input of ['x', 'y', 'y', 'z']) {
      for (const host of [alone, a, b]) await host.publish('input', input);
      await link.settled();
    }
    expect(text(a.read('counter/count'))).toBe('3');
    expect(text(b.read('plus-one/out'))).toBe(text(alone.read('plus-one/out')));
    expect(text(b.read('plus-one/out'))).toBe('4');
    expect(status(a, 'counter')).toBe('running');
    expect(status(a, 'plus-one')).toBe('elsewhere');
    expect(a.state.children['plus-one']?.host).toBe('b');
    const state = JSON.parse(text(b.read('host/state'))!) as { host: string; children: Record<string, { status: string; host?: string }> };
    expect(state.host).toBe('b');
    expect(state.children['counter']).toMatchObject({ status: 'elsewhere', host: 'a' });
    expect(state.children['plus-one']).toMatchObject({ status: 'running' });
  });

  it('moves a child to another host, which starts it on the reports its last owner left', async () => {
    const { map, placement } = owners({ counter: 'a', 'plus-one': 'a' });
    const a = createHost({ placement: placement('a') });
    const b = createHost({ placement: placement('b') });
    const link = linked([a, b]);
    for (const host of [a, b]) await host.apply(scenario(COUNTER_CHAIN));
    for (const input of ['1', '2']) for (const host of [a, b]) await host.publish('input', input);
    await link.settled();
    expect(text(b.read('counter/state'))).toBe('2\n2');

    map.set('counter', 'b');
    await a.place(['counter']);
    await b.place(['counter']);
    expect(status(a, 'counter')).toBe('elsewhere');
    expect(status(b, 'counter')).toBe('running');
    for (const host of [a, b]) await host.publish('input', '3');
    await link.settled();
    // b's counter went on from the state a's had reported: three inputs, counted once each.
    expect(text(b.read('counter/count'))).toBe('3');
    expect(text(a.read('plus-one/out'))).toBe('4');
  });

  it('creates a family member only on the host that owns it', async () => {
    const yaml = `
components: { counter: components/counter-wat/counter-wat.wasm }
children:
  room/*: { component: counter, roms: { input: input/room/*/msg, state: room/*/state }, reports: [count, state] }
`;
    const owner = (child: string) => (Number(child.split('/')[1]) % 2 === 0 ? 'even' : 'odd');
    const even = createHost({ placement: { host: 'even', owner } });
    const odd = createHost({ placement: { host: 'odd', owner } });
    for (const host of [even, odd]) await host.apply(scenario(yaml));
    for (const key of [1, 2, 3, 4, 2]) for (const host of [even, odd]) await host.publish(`room/${key}/msg`, `m${key}`);
    expect(even.state.families?.['room/*']?.members).toBe(2);
    expect(odd.state.families?.['room/*']?.members).toBe(2);
    expect(text(even.read('room/2/count'))).toBe('1');
    expect(even.read('room/1/count')).toBeUndefined();
    expect(text(odd.read('room/3/count'))).toBe('1');
  });

  it('runs nothing of a child no host owns yet', async () => {
    const a = createHost({ placement: { host: 'a', owner: () => '' } });
    await a.apply(scenario(COUNTER_CHAIN));
    await a.publish('input', 'x');
    expect(a.reports().size).toBe(0);
    expect(a.state.children['counter']).toMatchObject({ status: 'elsewhere', host: '' });
  });

  it('takes only reports from another host', async () => {
    const a = createHost({ placement: { host: 'a', owner: () => 'a' } });
    await a.apply(scenario(COUNTER_CHAIN));
    let refused: unknown;
    try {
      await a.receive('input/input', new Uint8Array([1]));
    } catch (e) {
      refused = e;
    }
    expect(isRomhostError(refused) && refused.code).toBe('not-a-report');
    expect((refused as Error).message).toBe('"input/input" is not a report: only a report of a child (CHILD/REPORT) comes from another host of a cluster');
  });
});
