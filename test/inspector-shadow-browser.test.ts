import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layout as placedWindows } from '../bench/window-manager.js';
import type { Host } from '../host/index.js';
import { openWindowsPage, SHOTS, type WindowsPage } from './support/inspector-page.js';
import { text } from './support/scenarios.js';

/**
 * Shadow swap on the inspector page in Chromium, on the window manager example: decorator-themed
 * runs beside decorator-classic, the panel shows where they differ while the scene keeps the
 * classic look, and Promote swaps the themed one in. Screenshots go to test-results/inspector/shadow-*.png.
 */

let opened: WindowsPage | undefined;
let host: Host;
let page: Page;

beforeAll(async () => {
  opened = await openWindowsPage({ width: 1600, height: 1300 });
  ({ host, page } = opened);
  await page.locator('[data-child="decorator"]').click();
  await page.getByRole('heading', { name: /^decorator / }).waitFor();
});

afterAll(() => opened?.close());

const shot = (name: string) => page.screenshot({ path: `${SHOTS}/shadow-${name}.png`, fullPage: true });
const panel = () => page.getByLabel('shadow of decorator');
const closeButtons = () => page.locator('svg.scene circle[data-part="close"]');

describe('shadow swap on the inspector page', () => {
  it('runs decorator-themed beside decorator-classic: the panel shows the divergences, the scene keeps the classic look', async () => {
    const decorations = text(host.read('decorator/decorations'));
    await page.getByLabel('component to swap in or shadow with').selectOption('decorator-themed');
    await page.getByRole('button', { name: 'Shadow', exact: true }).click();
    await panel().locator('[data-shadow-component="decorator-themed"]').waitFor();
    // The two decorators draw the same windows differently: their decorations differ from the start.
    await panel().locator('[data-diverging="decorations"] [data-side="candidate"] pre').waitFor();
    const live = await panel().locator('[data-diverging="decorations"] [data-side="live"] pre').textContent();
    expect(JSON.parse(live!)).toEqual(JSON.parse(decorations!));
    const candidate = JSON.parse((await panel().locator('[data-diverging="decorations"] [data-side="candidate"] pre').textContent())!) as unknown;
    expect(candidate).toEqual(JSON.parse(text(host.shadowReports('decorator')?.get('decorations'))!));
    expect(candidate).not.toEqual(JSON.parse(decorations!));

    // A fourth window opens: both decorators decorate it, each in its own way, and the new pair of
    // decorations is told; the scene draws the live decorator's.
    const before = Number(await panel().locator('[data-divergences]').getAttribute('data-divergences'));
    await page.getByRole('button', { name: 'Open a window' }).click();
    await page.locator('[data-window="4"] [data-part="title"]').first().waitFor();
    await page.waitForFunction((n) => Number(document.querySelector('[data-divergences]')?.getAttribute('data-divergences')) > n, before);
    expect(await closeButtons().count()).toBe(0);
    expect(host.state.children['decorator']?.shadow?.divergences).toBeGreaterThan(before);
    expect(host.state.children['decorator']?.shadow?.diverging).toContain('decorations');
    await shot('1-diverging');
  });

  it('promotes the candidate: the scene shows the themed decorations and the shadow is gone', async () => {
    const layout = text(host.read('layouter/window_layout'));
    await panel().getByRole('button', { name: 'Promote' }).click();
    await closeButtons().first().waitFor();
    await panel().waitFor({ state: 'detached' });
    expect(await closeButtons().count()).toBe(placedWindows(host).length);
    expect(text(host.read('layouter/window_layout'))).toBe(layout);
    await page.locator('[data-child="decorator"] .detail', { hasText: 'decorator-themed' }).waitFor();
    await page.locator('.log li', { hasText: 'decorator shadow dropped: promoted' }).waitFor();
    await page.locator('.log li', { hasText: 'decorator shadowed by decorator-themed' }).waitFor();
    expect(host.state.children['decorator']?.shadow).toBeUndefined();
    await shot('2-promoted');
  });

  it('stops a shadow with Stop shadow, and the live decorator is untouched', async () => {
    const decorations = text(host.read('decorator/decorations'));
    await page.getByLabel('component to swap in or shadow with').selectOption('decorator-classic');
    await page.getByRole('button', { name: 'Shadow', exact: true }).click();
    await panel().locator('[data-shadow-component="decorator-classic"]').waitFor();
    await shot('3-classic-shadowing-themed');
    await panel().getByRole('button', { name: 'Stop shadow' }).click();
    await panel().waitFor({ state: 'detached' });
    expect(host.state.children['decorator']?.shadow).toBeUndefined();
    expect(text(host.read('decorator/decorations'))).toBe(decorations);
    expect(await closeButtons().count()).toBe(placedWindows(host).length);
  });
});
