import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { margins, placed as placedIn } from '../bench/window-manager.js';
import type { Host } from '../host/index.js';
import { openWindowsPage, SHOTS, type WindowsPage } from './support/inspector-page.js';
import { text } from './support/scenarios.js';

/**
 * The inspector page in a real browser (Debian's Chromium through playwright-core), on the
 * window manager example: a person drags a window, swaps the decorator, kills and restarts the
 * layouter, and watches a decorator fault. Screenshots of each stage go to test-results/inspector/.
 */

let opened: WindowsPage | undefined;
let host: Host;
let page: Page;

beforeAll(async () => {
  opened = await openWindowsPage({ width: 1600, height: 1100 });
  ({ host, page } = opened);
});

afterAll(() => opened?.close());

const placed = (id: number) => placedIn(host, id);
const shot = (name: string) => page.screenshot({ path: `${SHOTS}/${name}.png` });

/** Scene coordinates to the page's: the scene is drawn 1:1. */
async function onScene(x: number, y: number): Promise<{ x: number; y: number }> {
  const box = (await page.locator('svg.scene').boundingBox())!;
  return { x: box.x + x, y: box.y + y };
}

/** Waits until the page draws window `id`'s content at `x`, `y`. */
async function drawnAt(id: number, x: number, y: number): Promise<void> {
  await page.locator(`[data-window="${id}"] rect[data-part="content"][x="${x}"][y="${y}"]`).waitFor();
}

async function selectChild(name: string): Promise<void> {
  await page.locator(`[data-child="${name}"]`).click();
  await page.getByRole('heading', { name: new RegExp(`^${name} `) }).waitFor();
}

describe('the inspector page on the window manager', () => {
  it('draws the windows and their decorations from the reports', async () => {
    for (const id of [1, 2, 3]) await drawnAt(id, placed(id).x, placed(id).y);
    expect(await page.locator('[data-window="1"] [data-part="title"]').count()).toBeGreaterThan(0);
    await shot('1-started');
  });

  let beforeDrag: { x: number; y: number };

  it('drags a window by its title bar with the mouse', async () => {
    const w = placed(1);
    beforeDrag = { x: w.x, y: w.y };
    const top = margins(host).top;
    const from = await onScene(w.x + 60, w.y - Math.ceil(top / 2));
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 150, from.y + 80, { steps: 8 });
    await page.mouse.up();
    await drawnAt(1, w.x + 150, w.y + 80);
    expect(placed(1)).toMatchObject({ x: w.x + 150, y: w.y + 80 });
    expect(await page.locator('[data-window]').last().getAttribute('data-window')).toBe('1'); // raised
    await shot('2-dragged');
  });

  it('steps back through the timeline to before the drag, and back to live', async () => {
    const now = placed(1);
    const range = page.getByLabel('step', { exact: true });
    await range.fill((await range.getAttribute('min'))!); // the first step since the page connected: before the press
    await drawnAt(1, beforeDrag.x, beforeDrag.y);
    expect(await page.locator('svg.scene.past').count()).toBe(1);
    await page.getByRole('button', { name: 'next step' }).click();
    await shot('2b-timeline');
    await page.getByRole('button', { name: 'Live' }).click();
    await drawnAt(1, now.x, now.y);
    expect(await page.locator('svg.scene.past').count()).toBe(0);
    expect(placed(1)).toEqual(now); // looking back changed nothing
  });

  it('swaps decorator-classic for decorator-themed live: every window stays, the decorations change', async () => {
    const layout = text(host.read('layouter/window_layout'));
    const decorations = text(host.read('decorator/decorations'));
    expect(await page.locator('svg.scene circle[data-part="close"]').count()).toBe(0);

    await selectChild('decorator');
    await page.getByLabel('component to swap in').selectOption('decorator-themed');
    await page.getByRole('button', { name: 'Swap' }).click();
    await page.locator('svg.scene circle[data-part="close"]').first().waitFor();

    expect(text(host.read('layouter/window_layout'))).toBe(layout);
    expect(text(host.read('decorator/decorations'))).not.toBe(decorations);
    for (const id of [1, 2, 3]) await drawnAt(id, placed(id).x, placed(id).y);
    expect(await page.locator('svg.scene circle[data-part="close"]').count()).toBe(3);
    await page.locator('[data-child="decorator"] .detail', { hasText: 'decorator-themed' }).waitFor(); // the graph names what runs now
    await shot('3-themed');
  });

  it('kills the layouter and restarts it: the layout survives', async () => {
    const layout = text(host.read('layouter/window_layout'));
    await selectChild('layouter');
    await page.getByRole('button', { name: 'Kill' }).click();
    await page.locator('[data-child="layouter"][data-status="stopped"]').waitFor();
    await shot('4-layouter-killed');
    await page.getByRole('button', { name: 'Restart' }).click();
    await page.locator('[data-child="layouter"][data-status="running"]').waitFor();
    expect(text(host.read('layouter/window_layout'))).toBe(layout);
    for (const id of [1, 2, 3]) await drawnAt(id, placed(id).x, placed(id).y);
    await shot('5-layouter-restarted');
  });

  it('hibernates the layouter from its panel; a pointer move wakes it, and nothing moved', async () => {
    const layout = text(host.read('layouter/window_layout'));
    await selectChild('layouter');
    await page.getByRole('button', { name: 'Hibernate' }).click();
    await page.locator('[data-child="layouter"][data-status="hibernated"]').waitFor();
    await shot('5b-layouter-hibernated');
    const box = (await page.locator('svg.scene').boundingBox())!;
    await page.mouse.move(box.x + 700, box.y + 500); // the desktop: the layouter reads the pointer, so it wakes
    await page.locator('[data-child="layouter"][data-status="running"]').waitFor();
    expect(text(host.read('layouter/window_layout'))).toBe(layout);
  });

  it('shows a faulted decorator as faulted, and the scene keeps its last decorations', async () => {
    const decorations = text(host.read('decorator/decorations'));
    const shapes = await page.locator('svg.scene [data-window="2"] [data-part]').count();
    // Forty windows with long titles: their decorations outgrow the decorator's 64 KiB report cap.
    const many = Array.from({ length: 40 }, (_, i) => ({ id: i + 1, title: `window ${i + 1} ${'·'.repeat(1500)}` }));
    await page.evaluate((text) => (window as unknown as { romhostInspector: { send(m: object): void } }).romhostInspector.send({ type: 'publish', rom: 'input/windows', text }), JSON.stringify(many));
    await page.locator('[data-child="decorator"][data-status="faulted"], [data-child="decorator"][data-status="quarantined"]').waitFor();
    await page.locator('.log .fault', { hasText: 'report "decorations"' }).first().waitFor();

    expect(text(host.read('decorator/decorations'))).toBe(decorations);
    expect(await page.locator('svg.scene [data-window="2"] [data-part]').count()).toBe(shapes);
    await selectChild('decorator');
    await page.locator('.child .fault', { hasText: /report "decorations" is .* limit 64 KiB/ }).waitFor();
    await shot('6-decorator-faulted');
  });
});
