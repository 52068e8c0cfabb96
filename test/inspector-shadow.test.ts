import { afterEach, describe, expect, it } from 'vitest';
import { client, closeInspected, inspected, is } from './support/inspector-client.js';
import { text } from './support/scenarios.js';

/** Shadow swap through the inspector's WebSocket, as the page drives it (the page itself: inspector-shadow-browser.test.ts). */

const SCENARIO = `
components:
  counter: components/counter-wat/counter-wat.wasm
  hidden: components/counter-hidden-wat/counter-hidden-wat.wasm
  twin: components/counter-c/counter-c.wasm
  trapper: test/fixtures/trapper/trapper.wasm
  trap-in-update: test/hostile/trap-in-update/trap-in-update.wasm
  adder: components/adder-wat/adder-wat.wasm
children:
  counter: { component: counter, roms: { input: input/input, state: counter/state }, reports: [count, state] }
  plus-one: { component: adder, roms: { in: counter/count }, reports: [out] }
  echo: { component: trapper, roms: { input: input/input }, reports: [echo, ok] }
`;

afterEach(closeInspected);

const inspectedHost = () => inspected(SCENARIO);

describe('shadow swap from the inspector', () => {
  it('starts a shadow by component name, pushes its divergences, promotes it and answers each request', async () => {
    const { host, inspector } = await inspectedHost();
    const page = await client(inspector.url);
    expect((await page.next(is('hello'))).shadows).toEqual({});
    await host.publish('input', 'a');

    page.send({ type: 'shadow', id: 1, child: 'counter', component: 'hidden' });
    expect(await page.next(is('done', (m) => m.id === 1))).toEqual({ type: 'done', id: 1, step: 2 }); // it takes no step
    const startedMessage = await page.next(is('shadow', (m) => m.kind === 'started'));
    expect(startedMessage).toEqual({ type: 'shadow', step: 2, child: 'counter', kind: 'started', component: host.state.children['counter']?.shadow?.component });
    expect(await page.next(is('shadow', (m) => m.kind === 'divergence'))).toEqual({
      type: 'shadow',
      step: 2,
      child: 'counter',
      kind: 'divergence',
      report: 'state',
      live: { text: '1\na' },
      candidate: null,
    });

    await host.publish('input', 'b');
    page.send({ type: 'restart', id: 2, child: 'counter' });
    await page.next(is('done', (m) => m.id === 2));
    expect(await page.next(is('shadow', (m) => m.kind === 'divergence' && m.report === 'count'))).toEqual({
      type: 'shadow',
      step: 4,
      child: 'counter',
      kind: 'divergence',
      report: 'count',
      live: { text: '2' },
      candidate: { text: '1' },
    });
    // What the candidate reports is compared, never routed: the page's values are the child's.
    expect(page.received.filter((m) => m.type === 'value' && m.source === 'counter/count').map((m) => m.type === 'value' && m.value)).toEqual([{ text: '1' }, { text: '2' }]);

    page.send({ type: 'promote', id: 3, child: 'counter' });
    expect(await page.next(is('done', (m) => m.id === 3))).toEqual({ type: 'done', id: 3, step: 5 });
    await page.next(is('lifecycle', (m) => m.child === 'counter' && m.action === 'swapped'));
    await page.next(is('shadow', (m) => m.kind === 'dropped' && m.reason === 'promoted'));
    await page.next(is('value', (m) => m.source === 'counter/count' && 'text' in m.value && m.value.text === '1'));
    expect(host.state.children['counter']?.component).toBe(startedMessage.kind === 'started' && startedMessage.component);

    page.send({ type: 'unshadow', id: 4, child: 'counter' });
    expect((await page.next(is('error', (m) => m.id === 4))).message).toMatch(/^child "counter" has no shadow to promote or stop/);
    page.send({ type: 'shadow', id: 5, child: 'counter', component: 'nope' });
    expect((await page.next(is('error', (m) => m.id === 5))).message).toBe('the scenario names no component "nope" (components: adder, counter, hidden, trap-in-update, trapper, twin)');
    page.send({ type: 'shadow', id: 6, child: 'counter', component: 'trapper' });
    expect((await page.next(is('error', (m) => m.id === 6))).message).toMatch(/^child "counter" runs on unshadowed: its candidate .*trapper\.wasm failed: child "counter" submitted report "echo"/);
    page.send({ type: 'shadow', id: 7, child: 'counter' }); // no component: refused before it reaches the host
    expect((await page.next(is('error', (m) => m.id === undefined))).message).toMatch(/^the inspector received a message it does not understand: .*component/);
  });

  it('greets a page that connects while a shadow runs with the shadow and the values that differ', async () => {
    const { host, inspector } = await inspectedHost();
    await host.publish('input', 'a');
    await host.shadow('counter', 'components/counter-hidden-wat/counter-hidden-wat.wasm');
    await host.shadow('plus-one', 'components/adder-wat/adder-wat.wasm');
    const hello = await (await client(inspector.url)).next(is('hello'));
    expect(hello.shadows).toEqual({
      counter: { component: host.state.children['counter']?.shadow?.component, divergences: 1, diverging: [{ report: 'state', live: { text: '1\na' }, candidate: null }] },
      'plus-one': { component: host.state.children['plus-one']?.component, divergences: 0, diverging: [] },
    });
  });

  it('pushes a candidate\'s fault as the shadow\'s, never as a fault of the child', async () => {
    const { host, inspector } = await inspectedHost();
    const page = await client(inspector.url);
    await page.next(is('hello'));
    page.send({ type: 'shadow', id: 1, child: 'echo', component: 'trap-in-update' });
    await page.next(is('done', (m) => m.id === 1));
    page.send({ type: 'publish', id: 2, rom: 'input/input', text: 'go' });
    await page.next(is('done', (m) => m.id === 2));
    expect(await page.next(is('shadow', (m) => m.kind === 'fault'))).toEqual({
      type: 'shadow',
      step: 2,
      child: 'echo',
      kind: 'fault',
      code: 'trap',
      message: 'child "echo" trapped: unreachable',
    });
    expect(page.received.filter((m) => m.type === 'fault')).toEqual([]);
    expect(text(host.read('echo/echo'))).toBe('go');
  });
});
