import { describe, expect, it } from 'vitest';
import { createHost, type Host } from '../host/index.js';
import { scenario, text } from './support/scenarios.js';

/**
 * Host.tap: what the host's streams say (events$, reports$, faults$, lifecycle$), told directly,
 * in the same order: what a journal records and a replay compares.
 */

// A counter chain, a child that traps on "trap" (restarted by its supervisor two steps later),
// and a component to swap in: events, reports, faults and lifecycle, some told before their event.
const YAML = `
components:
  counter: components/counter-wat/counter-wat.wasm
  adder: components/adder-wat/adder-wat.wasm
  trapper: test/fixtures/trapper/trapper.wasm
children:
  counter: { component: counter, roms: { input: input/input, state: counter/state }, reports: [count, state] }
  plus-one: { component: adder, roms: { in: counter/count }, reports: [out] }
  trapper: { component: trapper, roms: { input: input/input }, reports: [echo] }
restart: { max: 3, backoff_steps: 2 }
`;

type Hearing = { readonly heard: string[]; stop(): void };

/** What the streams say, one line each, in the order they say it. */
function streams(host: Host): Hearing {
  const heard: string[] = [];
  const subscriptions = [
    host.events$.subscribe(({ step, kind }) => heard.push(`event ${kind}@${step}`)),
    host.reports$.subscribe(({ step, source, content }) => heard.push(`report ${source}=${text(content)}@${step}`)),
    host.faults$.subscribe(({ step, child, code }) => heard.push(`fault ${child} ${code}@${step}`)),
    host.lifecycle$.subscribe(({ step, child, action }) => heard.push(`lifecycle ${child} ${action}@${step}`)),
  ];
  return { heard, stop: () => subscriptions.forEach((s) => s.unsubscribe()) };
}

/** The same, from a tap. */
function tapped(host: Host): Hearing {
  const heard: string[] = [];
  const stop = host.tap({
    event: (step, { kind }) => heard.push(`event ${kind}@${step}`),
    report: (step, source, content) => heard.push(`report ${source}=${text(content)}@${step}`),
    fault: ({ step, child, code }) => heard.push(`fault ${child} ${code}@${step}`),
    lifecycle: ({ step, child, action }) => heard.push(`lifecycle ${child} ${action}@${step}`),
  });
  return { heard, stop };
}

async function run(host: Host): Promise<void> {
  await host.apply(scenario(YAML));
  await Promise.all([host.publish('input', 'a'), host.publish('input', 'trap'), host.kill('plus-one')]);
  await host.publish('input', 'b');
  await host.restart('plus-one');
  await host.swap('counter', 'test/fixtures/counter-cached/counter-cached.wasm');
  await host.publish('input', 'c');
}

describe('Host.tap', () => {
  it('tells what the streams say, in their order', async () => {
    const host = createHost();
    const [fromStreams, fromTap] = [streams(host), tapped(host)];
    await run(host);
    await host.close();
    expect(fromTap.heard).toEqual(fromStreams.heard);
    // Every kind is told; what an apply, a kill or a swap causes as it is applied comes before its event.
    expect(fromTap.heard).toEqual(expect.arrayContaining(['fault trapper trap@3', 'lifecycle trapper restarted@5']));
    expect(fromTap.heard.slice(0, 4)).toEqual(['lifecycle counter started@1', 'lifecycle plus-one started@1', 'lifecycle trapper started@1', 'event apply@1']);
    const swap = fromTap.heard.indexOf('event swap@7');
    expect(fromTap.heard.slice(swap - 3, swap + 2)).toEqual(['lifecycle counter swapped@7', 'report counter/count=0@7', 'report counter/state=0\nb@7', 'event swap@7', 'report plus-one/out=1@7']);
  });

  it('tells each tap, until it is stopped', async () => {
    const host = createHost();
    const [first, second] = [tapped(host), tapped(host)];
    await host.apply(scenario(YAML));
    first.stop();
    first.stop(); // a second stop changes nothing
    await host.publish('input', 'a');
    second.stop();
    await host.publish('input', 'b');
    await host.close();
    expect(first.heard.at(-1)).toBe('report trapper/echo=@1');
    expect(second.heard.slice(first.heard.length)).toEqual(['event publish@2', 'report counter/count=1@2', 'report counter/state=1\na@2', 'report trapper/echo=a@2', 'report plus-one/out=2@2']);
  });
});
