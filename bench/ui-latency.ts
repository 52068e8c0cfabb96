import { launchChromium } from './chromium.js';
import { startInspector } from '../host/index.js';
import { locate, pointer, windowManager } from './window-manager.js';
import { emitLatency, progress } from './stats.js';

export interface UiLatencyOptions {
  readonly root: string;
  /** Samples per side, in alternating blocks. */
  readonly samples: number;
  readonly block: number;
  readonly warmup: number;
}

/**
 * ui-latency: in the inspector page (Chromium), the pointer moved between the top window's close
 * button and its title bar, each move published from the page; timed in the page from the send
 * until the changed `decorator/decorations` arrives back (the decorator hovers the button in one
 * position and not the other, so every move changes them: checked first). Baseline: a ping on the
 * same WebSocket, answered at once by the same server. The page is cross-origin isolated, so its
 * clock is precise to 5 µs.
 */
export async function uiLatency(opts: UiLatencyOptions): Promise<void> {
  progress('ui-latency: starting the window manager, the inspector and Chromium');
  const host = await windowManager(opts.root);
  const close = await locate(host, 3, 'close');
  const title = await locate(host, 3, 'title');
  const decorations = async (x: number, y: number) => (await pointer(host, x, y, false), new TextDecoder().decode(host.read('decorator/decorations')));
  if ((await decorations(close.x, close.y)) === (await decorations(title.x, title.y))) throw new Error('ui-latency: hovering the close button does not change the decorations');

  const inspector = await startInspector(host, { port: 0 });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(inspector.url);
    await page.waitForFunction(() => (window as unknown as { crossOriginIsolated: boolean }).crossOriginIsolated && document.querySelector('[data-window]') !== null);
    progress(`ui-latency: ${opts.samples} round trips per side in blocks of ${opts.block}`);
    const samples = await page.evaluate(
      async ({ points, samples, block, warmup }) => {
        type Message = { type: string; source?: string; id?: number };
        const connection = (window as unknown as { romhostInspector: { send(m: object): void; listen(f: (ms: readonly Message[]) => void): () => void } }).romhostInspector;
        // Resolves with the time the message arrived, taken in the listener itself: what the page
        // then does with it (Preact renders in a microtask queued before this promise's) is not counted.
        const arrival = (test: (m: Message) => boolean) =>
          new Promise<number>((resolve) => {
            const stop = connection.listen((ms) => ms.some(test) && (stop(), resolve(performance.now())));
          });
        let turn = 0;
        let id = 0;
        const roundTrip = {
          pointer: async () => {
            const arrived = arrival((m) => m.type === 'value' && m.source === 'decorator/decorations');
            const t0 = performance.now();
            connection.send({ type: 'publish', rom: 'input/pointer', text: JSON.stringify(points[turn++ % 2]) });
            return (await arrived) - t0;
          },
          echo: async () => {
            const n = ++id;
            const arrived = arrival((m) => m.type === 'pong' && m.id === n);
            const t0 = performance.now();
            connection.send({ type: 'ping', id: n });
            return (await arrived) - t0;
          },
        };
        for (let i = 0; i < warmup; i++) await roundTrip.pointer(), await roundTrip.echo();
        const out = { pointer: [] as number[], echo: [] as number[] };
        for (let b = 0; out.pointer.length < samples; b++) {
          for (const side of b % 2 === 0 ? (['pointer', 'echo'] as const) : (['echo', 'pointer'] as const)) {
            for (let i = 0; i < block; i++) out[side].push(await roundTrip[side]());
          }
        }
        return out;
      },
      { points: [{ ...close, pressed: false }, { ...title, pressed: false }], samples: opts.samples, block: opts.block, warmup: opts.warmup },
    );
    emitLatency({
      bench: 'ui-latency',
      unit: 'ms',
      romhost: samples.pointer,
      baseline: samples.echo,
      baselineName: 'websocket-echo',
      extra: { samples: samples.pointer.length },
    });
  } finally {
    await browser.close();
    await inspector.close();
    await host.close();
  }
}
