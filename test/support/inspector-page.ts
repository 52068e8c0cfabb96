import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../bench/chromium.js';
import { windowManager } from '../../bench/window-manager.js';
import { startInspector, type Host } from '../../host/index.js';

/** Where the browser tests put their screenshots. */
export const SHOTS = 'test-results/inspector';

/** The window manager example on a host, with its inspector page open in Chromium. */
export interface WindowsPage {
  readonly host: Host;
  readonly page: Page;
  close(): Promise<void>;
}

/**
 * Opens the inspector page on the windows example (three windows open) once the page shows the
 * layouter running; a script error on the page while it loads fails the test.
 */
export async function openWindowsPage(viewport: { width: number; height: number }): Promise<WindowsPage> {
  mkdirSync(SHOTS, { recursive: true });
  const host = await windowManager();
  const inspector = await startInspector(host, { port: 0 });
  const browser = await launchChromium();
  const close = async () => {
    await browser.close();
    await inspector.close();
    await host.close();
  };
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(inspector.url);
  await page.locator('[data-child="layouter"][data-status="running"]').waitFor();
  if (errors.length > 0) {
    await close();
    throw new Error(`the inspector page failed while loading: ${errors.join('; ')}`);
  }
  return { host, page, close };
}
