import { afterEach, describe, expect, it } from 'vitest';
import { layout, locate, margins, placed, pointer, windowManager as startWindowManager } from '../bench/window-manager.js';
import type { Host } from '../host/index.js';
import { text } from './support/scenarios.js';

/**
 * The window manager example end to end (examples/windows): the real layouter and both real
 * decorators, driven the way the inspector page drives them, through inputs.
 */

const DECORATORS = { classic: 'components/decorator-classic/decorator-classic.wasm', themed: 'components/decorator-themed/decorator-themed.wasm' };

let hosts: Host[] = [];
afterEach(async () => {
  for (const host of hosts) await host.close();
  hosts = [];
});

async function windowManager(): Promise<Host> {
  const host = await startWindowManager();
  hosts.push(host);
  return host;
}

async function drag(host: Host, from: { x: number; y: number }, dx: number, dy: number): Promise<void> {
  await pointer(host, from.x, from.y, false);
  await pointer(host, from.x, from.y, true);
  for (let i = 1; i <= 4; i++) await pointer(host, from.x + Math.round((dx * i) / 4), from.y + Math.round((dy * i) / 4), true);
  await pointer(host, from.x + dx, from.y + dy, false);
}

describe('the window manager example', () => {
  it('places the windows it is given, cascaded below the decorator’s margins, the last on top and focused', async () => {
    const host = await windowManager();
    const { top, left } = margins(host);
    expect(layout(host)).toEqual([
      { id: 1, title: 'Editor', x: left + 40, y: top + 40, w: 320, h: 200, focused: false },
      { id: 2, title: 'Terminal', x: left + 72, y: top + 72, w: 400, h: 240, focused: false },
      { id: 3, title: 'Notes', x: left + 104, y: top + 104, w: 260, h: 300, focused: true },
    ]);
    expect(host.state.children['decorator']?.status).toBe('running');
    expect(host.state.children['layouter']?.status).toBe('running');
  });

  it('moves a window dragged by its title bar, raising and focusing it', async () => {
    const host = await windowManager();
    const before = placed(host, 1);
    await drag(host, await locate(host, 1, 'title'), 150, 80);
    expect(layout(host).at(-1)).toMatchObject({ id: 1, x: before.x + 150, y: before.y + 80, focused: true });
  });

  it('closes a window whose close button is clicked, whichever side each decorator puts it on', async () => {
    for (const decorator of ['classic', 'themed'] as const) {
      const host = await windowManager();
      await host.swap('decorator', DECORATORS[decorator]);
      const close = await locate(host, 2, 'close');
      await pointer(host, close.x, close.y, true);
      await pointer(host, close.x, close.y, false);
      expect(layout(host).map((w) => w.id)).toEqual([1, 3]);
    }
  });

  it('keeps every window where it is when the decorator is swapped live for one in another language, and the look changes', async () => {
    const host = await windowManager();
    await drag(host, await locate(host, 1, 'title'), 150, 80);
    const windows = host.read('layouter/window_layout');
    const decorations = text(host.read('decorator/decorations'));

    await host.swap('decorator', DECORATORS.themed);
    expect(host.read('layouter/window_layout')).toEqual(windows);
    expect(text(host.read('decorator/decorations'))).not.toBe(decorations);
    expect(margins(host)).not.toEqual({ top: 24, right: 4, bottom: 4, left: 4 });

    // And the layouter goes on working with the new decorator's hover.
    const before = placed(host, 2);
    await drag(host, await locate(host, 2, 'title'), -20, 30);
    expect(placed(host, 2)).toMatchObject({ x: before.x - 20, y: before.y + 30, focused: true });
  });

  it('keeps the layout across a kill and restart of the layouter, and goes on from it', async () => {
    const host = await windowManager();
    await drag(host, await locate(host, 3, 'title'), 60, 10);
    const windows = host.read('layouter/window_layout');
    await host.kill('layouter');
    expect(host.state.children['layouter']?.status).toBe('stopped');
    await pointer(host, 5, 5, false); // the world goes on while it is down
    await host.restart('layouter');
    expect(host.read('layouter/window_layout')).toEqual(windows);
    const before = placed(host, 3);
    await drag(host, await locate(host, 3, 'title'), 10, 10);
    expect(placed(host, 3)).toMatchObject({ x: before.x + 10, y: before.y + 10 });
  });

  it('is a pure state machine: killing and restarting either child before every input changes no report', async () => {
    // A person's session: hover about, drag one window, resize by hovering, close another.
    const script: [number, number, boolean][] = [
      [200, 52, false], [200, 52, true], [260, 90, true], [320, 140, true], [320, 140, false],
      [130, 140, false], [130, 140, true], [140, 150, true], [140, 150, false],
      [600, 400, false], [600, 400, true], [600, 400, false], [10, 10, false],
    ];
    const run = async (restart?: 'decorator' | 'layouter') => {
      const host = await windowManager();
      const after: string[] = [];
      for (const [x, y, pressed] of script) {
        if (restart) await host.kill(restart), await host.restart(restart);
        await pointer(host, x, y, pressed);
        after.push(JSON.stringify(Object.fromEntries([...host.reports()].map(([k, v]) => [k, text(v)]))));
      }
      return after;
    };
    const reference = await run();
    expect(new Set(reference).size).toBeGreaterThan(5); // the script does move things
    expect(await run('layouter')).toEqual(reference);
    expect(await run('decorator')).toEqual(reference);
  });
});
