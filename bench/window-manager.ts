import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createHost, loadScenario, type Host } from '../host/index.js';

/**
 * The window manager example (examples/windows) as a person drives it: through the pointer input,
 * finding the decorator's buttons by asking its hover. Shared by the ui-latency bench and the tests.
 */
export const WINDOWS_SCENARIO = 'examples/windows/scenario.yaml';

export interface Placed {
  readonly id: number;
  readonly title: string;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly focused: boolean;
}

/** The windows example's windows list, as `npm start` opens it. */
export function openingWindows(root = '.'): string {
  return (JSON.parse(readFileSync(path.join(root, 'examples/windows/windows.jsonl'), 'utf8')) as { text: string }).text;
}

/** A host running the example with its three windows open. */
export async function windowManager(root = '.'): Promise<Host> {
  const host = createHost();
  await host.apply(await loadScenario(path.join(root, WINDOWS_SCENARIO)));
  await host.publish('windows', openingWindows(root));
  return host;
}

export const readJson = <T>(host: Host, source: string): T => JSON.parse(new TextDecoder().decode(host.read(source) ?? new TextEncoder().encode('null'))) as T;
export const layout = (host: Host): Placed[] => readJson<Placed[]>(host, 'layouter/window_layout');
export const placed = (host: Host, id: number): Placed => layout(host).find((w) => w.id === id)!;
export const margins = (host: Host) => readJson<{ top: number; right: number; bottom: number; left: number }>(host, 'decorator/margins');
export const pointer = (host: Host, x: number, y: number, pressed: boolean) => host.publish('pointer', JSON.stringify({ x, y, pressed }));

/** Where the decorator draws `element` of window `id`: found by moving the pointer along the title bar until its hover names it. */
export async function locate(host: Host, id: number, element: string): Promise<{ x: number; y: number }> {
  const w = placed(host, id);
  const y = w.y - Math.ceil(margins(host).top / 2);
  for (let x = w.x; x < w.x + w.w; x += 2) {
    await pointer(host, x, y, false);
    const hover = readJson<{ window?: number; element?: string }>(host, 'decorator/hover');
    if (hover.window === id && hover.element === element) return { x, y };
  }
  throw new Error(`no ${element} on the title bar of window ${id}`);
}
