import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { startInspector } from '../host/index.js';
import { romhost } from './support/cli.js';
import { client, closeInspected, inspected, is } from './support/inspector-client.js';
import { COUNTER_CHAIN } from './support/scenarios.js';

/** The inspector's server, through its WebSocket as the page uses it (the page itself: inspector-browser.test.ts). */

afterEach(closeInspected);

const inspectedHost = () => inspected(COUNTER_CHAIN);

describe('the inspector server', () => {
  it('serves the built page at / on 127.0.0.1, and nothing outside it', async () => {
    const { inspector } = await inspectedHost();
    expect(inspector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(inspector.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('<div id="app">');
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1]!;
    expect((await fetch(inspector.url + script)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${inspector.url}../../package.json`)).status).toBe(404);
    expect((await fetch(`${inspector.url}%2e%2e/%2e%2e/package.json`)).status).toBe(404);
  });

  it('greets a page with the scenario and every value, then pushes each change', async () => {
    const { host, inspector } = await inspectedHost();
    await host.publish('input', 'a');
    const page = await client(inspector.url);
    const hello = await page.next(is('hello'));
    expect(hello.scenario?.components.map((c) => c.name)).toEqual(['adder', 'counter']);
    expect(hello.scenario?.components[1]?.hash).toBe(host.state.children['counter']?.component);
    expect(hello.scenario?.children.map((c) => [c.name, c.component, c.roms])).toEqual([
      ['counter', 'counter', { input: 'input/input', state: 'counter/state' }],
      ['plus-one', 'adder', { in: 'counter/count' }],
    ]);
    expect(hello.values['counter/count']).toEqual({ text: '1' });
    expect(hello.values['input/input']).toEqual({ text: 'a' });
    expect(JSON.parse((hello.values['host/state'] as { text: string }).text).children.counter.status).toBe('running');

    await host.publish('input', 'b');
    expect(await page.next(is('value', (m) => m.source === 'counter/count' && 'text' in m.value && m.value.text === '2'))).toBeTruthy();
    expect(await page.next(is('value', (m) => m.source === 'input/input'))).toEqual({ type: 'value', step: 3, source: 'input/input', value: { text: 'b' } });
    expect(await page.next(is('event'))).toEqual({ type: 'event', step: 3, text: 'input input/input = "b"' });
  });

  it('takes inputs, kill, restart and swap from the page, answering each with its step or its error', async () => {
    const { host, inspector } = await inspectedHost();
    const page = await client(inspector.url);
    await page.next(is('hello'));

    page.send({ type: 'publish', id: 1, rom: 'input/input', text: 'x' });
    await page.next(is('done', (m) => m.id === 1));
    expect(new TextDecoder().decode(host.read('counter/count'))).toBe('1');

    page.send({ type: 'kill', id: 2, child: 'counter' });
    await page.next(is('done', (m) => m.id === 2));
    expect(host.state.children['counter']?.status).toBe('stopped');
    await page.next(is('lifecycle', (m) => m.child === 'counter' && m.action === 'stopped'));

    page.send({ type: 'restart', id: 3, child: 'counter' });
    await page.next(is('done', (m) => m.id === 3));
    expect(host.state.children['counter']?.status).toBe('running');

    page.send({ type: 'swap', id: 4, child: 'plus-one', component: 'adder' });
    await page.next(is('done', (m) => m.id === 4));
    await page.next(is('lifecycle', (m) => m.child === 'plus-one' && m.action === 'swapped'));
    // A swap that fails leaves the old component running, and the page hears why.
    page.send({ type: 'swap', id: 9, child: 'counter', component: 'adder' });
    expect((await page.next(is('error', (m) => m.id === 9))).message).toMatch(/^child "counter" keeps its component: swapping in .*adder-wat.wasm failed/);
    expect(host.state.children['counter']?.status).toBe('running');

    page.send({ type: 'swap', id: 5, child: 'counter', component: 'nope' });
    expect((await page.next(is('error', (m) => m.id === 5))).message).toBe('the scenario names no component "nope" (components: adder, counter)');
    page.send({ type: 'kill', id: 6, child: 'ghost' });
    expect((await page.next(is('error', (m) => m.id === 6))).message).toMatch(/^no child is called "ghost"/);
    page.send({ type: 'publish', id: 7, rom: 'counter/count', text: 'forged' });
    expect((await page.next(is('error', (m) => m.id === undefined))).message).toMatch(/^the inspector received a message it does not understand: .*rom/);
    page.send({ type: 'ping', id: 8 });
    expect(await page.next(is('pong'))).toEqual({ type: 'pong', id: 8 });
  });

  it('refuses a WebSocket from another origin, or through a name other than this machine', async () => {
    const { inspector } = await inspectedHost();
    const port = new URL(inspector.url).port;
    await expect(client(inspector.url, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(client(inspector.url, { host: `rebound.example:${port}`, origin: `http://rebound.example:${port}` })).rejects.toThrow(/403/);
    const own = await client(inspector.url, { origin: `http://127.0.0.1:${port}` });
    await own.next(is('hello'));
  });

  it('says which port is taken and what to do', async () => {
    const { host, inspector } = await inspectedHost();
    const port = Number(new URL(inspector.url).port);
    await expect(startInspector(host, { port })).rejects.toThrow(
      `the inspector cannot listen on 127.0.0.1:${port}: the port is in use; pass another with --port (0 picks a free one)`,
    );
  });
});

describe('romhost run --ui', () => {
  it('prints the inspector URL as a JSON line and serves the page until interrupted', async () => {
    const child = spawn(process.execPath, ['dist/host/cli/main.js', 'run', 'examples/counter/scenario.yaml', '--input', 'input=a', '--ui', '--port', '0'], { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      const lines = createInterface({ input: child.stdout });
      // Lifecycle lines come first (children started); report changes go to the page, not stdout.
      let inspector: string | undefined;
      for await (const line of lines) if ((inspector = (JSON.parse(line) as { inspector?: string }).inspector)) break;
      expect(inspector).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect((await fetch(inspector!)).status).toBe(200);
      const page = await client(inspector!);
      const hello = await page.next(is('hello'));
      expect(hello.values['counter/count']).toEqual({ text: '1' });
      page.socket.close();
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(code).toBe(0);
  });

  it('refuses a port that is not one, in one line', async () => {
    const r = await romhost(['run', 'examples/counter/scenario.yaml', '--ui', '--port', 'http']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.split('\n')[0]).toBe("error: option '--port <N>' argument 'http' is invalid. --port http is not a port: give a number from 0 to 65535 (0: any free one)");
  });
});
