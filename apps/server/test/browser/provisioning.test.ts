import { apiTokens } from '@roster/db';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../../src/testing';
import { seriousViolations } from './axe';
import { screenshot } from './browser';
import { useAdminPage } from './fixture';

let server: TestServer;
let page: Page;

useAdminPage({ next: '/admin/provisioning' }, (opened) => ({ server, page } = opened));

describe('Admin › Provisioning', () => {
  it('shows the endpoint, creates a SCIM token that works on /scim/v2, and lists the request it made', async () => {
    await page.getByRole('link', { name: 'Provisioning' }).click();
    await page.getByRole('heading', { name: 'Provisioning', level: 1 }).waitFor();
    expect(await page.getByTestId('scim-endpoint').textContent()).toBe('http://127.0.0.1/scim/v2');
    await page.getByText('No request yet').waitFor();
    await page.getByLabel('New SCIM token name').fill('Okta');
    await page.getByRole('button', { name: 'Create SCIM token' }).click();
    const token = (await page.getByTestId('new-scim-token').textContent()) ?? '';
    expect(token).toMatch(/^rst_/);
    await page.getByRole('button', { name: 'Done' }).click();
    const created = await fetch(`${server.url}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({
        userName: 'ada@example.com',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
      }),
    });
    expect(created.status).toBe(201);
    await page.reload();
    const row = page.getByRole('row', { name: /POST \/scim\/v2\/Users/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('201');
    expect(await page.getByRole('row', { name: /Okta/ }).count()).toBeGreaterThanOrEqual(2);
    await page.getByRole('heading', { name: 'Set up Okta' }).waitFor();
    await page.getByRole('heading', { name: 'Set up Microsoft Entra ID' }).waitFor();
    await screenshot(page, 'provisioning');

    // Refused requests are listed too, with why, and the name of the stored token they named only.
    const users = (authorization?: string) =>
      fetch(`${server.url}/scim/v2/Users`, { headers: authorization ? { authorization } : {} });
    expect((await users()).status).toBe(401);
    expect((await users('Bearer rst_not_a_token')).status).toBe(401);
    await server.testDb.db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.name, 'Okta'));
    expect((await users(`Bearer ${token}`)).status).toBe(401);
    await page.reload();
    const refused = page.getByRole('row', { name: /401/ });
    await refused.first().waitFor();
    expect(await refused.allTextContents()).toEqual([
      expect.stringMatching(/Okta.*GET \/scim\/v2\/Users.*401 · Revoked token/),
      expect.stringMatching(/—GET \/scim\/v2\/Users.*401 · Unknown token/),
      expect.stringMatching(/—GET \/scim\/v2\/Users.*401 · No token sent/),
    ]);
    expect(await page.content()).not.toContain(token);
    expect(await seriousViolations(page)).toEqual([]);
    await refused.last().scrollIntoViewIfNeeded();
    await screenshot(page, 'provisioning-refused-1440');
    await page.setViewportSize({ width: 1024, height: 768 });
    await refused.last().scrollIntoViewIfNeeded();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'provisioning-refused-1024');
    await page.setViewportSize({ width: 1440, height: 900 });

    // The request's operation opens in Operations, named as a SCIM request.
    await page
      .getByRole('row', { name: /POST \/scim\/v2\/Users/ })
      .getByRole('link', { name: 'Operation' })
      .click();
    await page.getByText('Provisioning (SCIM)').first().waitFor();
    await screenshot(page, 'provisioning-operation');
  });
});
