import { hashPassword } from '@roster/api';
import { roles, users } from '@roster/db';
import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_ADMIN, type TestServer } from '../../src/testing';
import { screenshot } from './browser';
import { useBrowserServer } from './fixture';

let server: TestServer;
let browser: Browser;
const READER = { email: 'rita.reader@roster.test', password: 'reader password 2026' };

async function prepare({ testDb: { db } }: TestServer) {
  const [reader] = await db.select({ id: roles.id }).from(roles).where(eq(roles.name, 'Reader'));
  if (!reader) throw new Error('no Reader role');
  await db.insert(users).values({
    email: READER.email,
    firstName: 'Rita',
    lastName: 'Reader',
    status: 'active',
    roleId: reader.id,
    passwordHash: await hashPassword(READER.password),
  });
}

useBrowserServer({ prepare }, (started) => ({ server, browser } = started));

describe('the web shell', () => {
  it('runs under the Content-Security-Policy without a single violation', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content[ -]Security[ -]Policy/i.test(message.text())) violations.push(message.text());
    });
    // Chromium reports each refusal on the console ("Refused to … Content Security Policy"); the
    // event catches the ones it does not.
    await page.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (e) => console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));`,
    });
    const response = await page.goto(`${server.url}/sign-in?next=/admin/users`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByLabel('E-mail').fill(TEST_ADMIN.email);
    await page.getByLabel('Password').fill(TEST_ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Admin' }).waitFor();
    for (const path of [
      '/admin/users',
      '/admin/operations',
      '/admin/import',
      '/admin/outbox',
      '/admin/tokens',
    ]) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('navigation', { name: 'Admin' }).waitFor();
      await page.waitForLoadState('networkidle');
    }
    expect(violations).toEqual([]);
    await page.close();
  });

  it('an administrator signs in, sees the Admin module, and signs out', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/admin/users`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await screenshot(page, 'sign-in');

    await page.getByLabel('E-mail').fill(TEST_ADMIN.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'The e-mail or password is incorrect.',
    );
    await screenshot(page, 'sign-in-error');

    await page.getByLabel('Password').fill(TEST_ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const nav = page.getByRole('navigation', { name: 'Admin' });
    await nav.waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/users');
    for (const item of ['Users', 'Operations', 'Import', 'Outbox', 'API tokens']) {
      await expect(nav.getByRole('link', { name: item }).count()).resolves.toBe(1);
    }
    await screenshot(page, 'admin-frame');

    // The session survives a reload (httpOnly cookie), then sign-out ends it.
    await page.reload();
    await nav.waitFor();
    await page.getByRole('button', { name: 'Account' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.goto(`${server.url}/admin/tokens`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.close();
  });

  it('an administrator creates an API token, sees it once, and revokes it', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/sign-in?next=/admin/tokens`);
    await page.getByLabel('E-mail').fill(TEST_ADMIN.email);
    await page.getByLabel('Password').fill(TEST_ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await page.getByLabel('New token name').fill('HR sync');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = await page.getByTestId('new-token').textContent();
    expect(token).toMatch(/^rst_[A-Za-z0-9_-]{43}$/);
    await screenshot(page, 'token-created');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('cell', { name: 'HR sync', exact: true }).waitFor();

    const me = await fetch(`${server.url}/trpc/auth.me`, { headers: { authorization: `Bearer ${token}` } });
    expect(
      ((await me.json()) as { result: { data: { json: { email: string } } } }).result.data.json.email,
    ).toBe(TEST_ADMIN.email);

    // Revoking asks first (issue 19 item 12): cancelled, the token still works.
    const revokeButton = page.getByRole('button', { name: 'Revoke HR sync' });
    await revokeButton.click();
    const ask = page.getByRole('alertdialog', { name: 'Revoke the token “HR sync”?' });
    await ask.getByText('stops working at once').waitFor();
    await screenshot(page, 'token-revoke-confirm');
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByRole('alertdialog').count()).toBe(0);
    // Focus comes back to the button that asked.
    await page.locator('button:focus', { hasText: 'Revoke' }).waitFor();
    const still = await fetch(`${server.url}/trpc/auth.me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(
      ((await still.json()) as { result: { data: { json: { email: string } | null } } }).result.data.json
        ?.email,
    ).toBe(TEST_ADMIN.email);
    await revokeButton.click();
    await ask.getByRole('button', { name: 'Revoke token' }).click();
    await page.getByText('Revoked').waitFor();
    await expect.poll(() => page.getByRole('alertdialog').count()).toBe(0);
    await screenshot(page, 'tokens');
    const after = await fetch(`${server.url}/trpc/auth.me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await after.json()) as { result: { data: { json: unknown } } }).result.data.json).toBeNull();
    await page.close();
  });

  it('a signed-in user who is not an administrator sees no Admin module', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel('E-mail').fill(READER.email);
    await page.getByLabel('Password').fill(READER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'You are signed in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/no-access');
    await expect(page.getByRole('navigation', { name: 'Admin' }).count()).resolves.toBe(0);
    await screenshot(page, 'no-access');

    // Typing an Admin address does not help.
    await page.goto(`${server.url}/admin/users`);
    await page.getByRole('heading', { name: 'You are signed in' }).waitFor();
    await expect(page.getByRole('navigation', { name: 'Admin' }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.close();
  });
});
