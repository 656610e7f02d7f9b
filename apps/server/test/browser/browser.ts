import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { inject } from 'vitest';
import './providedContext';

/** Without the background-networking flags Chromium keeps knocking on this machine's closed network. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium the global setup chose (CHROMIUM_PATH, Debian's, or @sparticuz/chromium's). */
function chosenChromium(): string {
  const choice = inject('chromium');
  if (choice.problem) throw new Error(`No Chromium for the browser tests: ${choice.problem}`);
  return choice.path;
}

export function launchBrowser(executablePath: string = chosenChromium()): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/**
 * The SPA as `vite build` leaves it (turbo builds it before the server's tests), or where
 * ROSTER_WEB_DIST says: a build of one's own, which another build of the shared tree cannot replace
 * in the middle of a run.
 */
export const WEB_DIST =
  process.env.ROSTER_WEB_DIST ?? fileURLToPath(new URL('../../../web/dist', import.meta.url));

const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

/** Screenshots are kept for people to look at; no test compares pixels. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: false });
}
