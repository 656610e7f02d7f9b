import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { TestServer } from '../../src/testing';
import { screenshot, WEB_DIST } from './browser';
import { useBrowserServer } from './fixture';

/**
 * Issue 19 item 15 in a browser: the invitation page downloads none of the Admin module. How soon
 * the users' rows are on screen is measured by `pnpm --filter @roster/bench bench:browser`.
 */

let server: TestServer;
let browser: Browser;

const manifest = z
  .record(z.string(), z.object({ file: z.string() }))
  .parse(JSON.parse(readFileSync(join(WEB_DIST, '.vite/manifest.json'), 'utf8')));
const ADMIN_PAGES = [
  'src/components/AdminFrame.tsx',
  'src/users/UsersPage.tsx',
  'src/imports/ImportPage.tsx',
];

useBrowserServer({ seedUsers: 2_000 }, (started) => ({ server, browser } = started));

// In-page code is written as strings: this package's TypeScript knows Node, not the DOM.

/** The scripts a page downloaded, with the bytes that came over the wire (compressed). */
async function scriptsLoaded(page: Page): Promise<{ name: string; transferred: number }[]> {
  const entries = await page.evaluate(`performance.getEntriesByType('resource')
    .map((entry) => ({ name: new URL(entry.name).pathname, transferred: entry.encodedBodySize }))
    .filter((entry) => entry.name.endsWith('.js'))`);
  return z.array(z.object({ name: z.string(), transferred: z.number() })).parse(entries);
}

describe('delivery', () => {
  it('the invitation page, on a phone, downloads no script of the Admin module', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${server.url}/invite/${'x'.repeat(43)}`);
    await page.getByRole('heading').first().waitFor();
    const scripts = await scriptsLoaded(page);
    const adminFiles = ADMIN_PAGES.map((key) => `/${manifest[key]?.file}`);
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.map((s) => s.name).filter((name) => adminFiles.includes(name))).toEqual([]);
    const kb = scripts.reduce((sum, s) => sum + s.transferred, 0) / 1024;
    console.log(`/invite/<token>: ${scripts.length} scripts, ${kb.toFixed(1)} KB over the wire (brotli)`);
    await screenshot(page, 'invitation-phone');
    await page.close();
  });
});
