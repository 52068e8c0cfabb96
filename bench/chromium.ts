import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium, driven by Playwright (playwright-core: no browser download, which is
 * unreachable here). `ROMHOST_CHROMIUM` names another binary.
 */
export const CHROMIUM = process.env['ROMHOST_CHROMIUM'] ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install it (bash .ci/toolchains, or apt-get install chromium), or set ROMHOST_CHROMIUM to one`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
