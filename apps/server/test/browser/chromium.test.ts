import { describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';
import { packagedChromium, resolveChromium, SYSTEM_CHROMIUM } from './chromium';

describe('the Chromium the browser tests drive', () => {
  it('is CHROMIUM_PATH when set, else Debian’s when installed', async () => {
    expect(await resolveChromium({ CHROMIUM_PATH: '/opt/chrome/chrome' }, () => true)).toEqual({
      path: '/opt/chrome/chrome',
      source: 'CHROMIUM_PATH',
    });
    expect(await resolveChromium({}, (path) => path === SYSTEM_CHROMIUM)).toEqual({
      path: SYSTEM_CHROMIUM,
      source: 'system',
    });
  });

  // Runs on every machine, Debian's Chromium or not, so the fallback cannot rot unnoticed.
  it('is the one inside @sparticuz/chromium when Debian’s is missing, and it renders and types', async () => {
    const choice = await resolveChromium({}, () => false);
    expect(choice).toEqual({ path: await packagedChromium(), source: 'packaged' });
    const browser = await launchBrowser(choice.path);
    try {
      const page = await browser.newPage();
      await page.setContent('<h1>Roster</h1><input aria-label="Search">');
      await page.getByLabel('Search').fill('ada');
      expect(await page.getByRole('heading').textContent()).toBe('Roster');
      expect(await page.getByLabel('Search').inputValue()).toBe('ada');
    } finally {
      await browser.close();
    }
  }, 120_000);
});
