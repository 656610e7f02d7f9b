import { hashToken, newSecretToken } from '@roster/api';
import { invitations, roles, users } from '@roster/db';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../../src/testing';
import { type SeriousViolation, seriousViolations } from './axe';
import { openPage, useAdminPage } from './fixture';
import { signInAsAdmin } from './signIn';

let server: TestServer;
let browser: Browser;
let admin: Page;
/** Every page and open dialog checked, with what axe found there (expected: nothing). */
const found: Record<string, SeriousViolation[]> = {};
const titles = new Map<string, string>();

/** An invitation link for a new user of that role and invitation state. */
async function invitationLink(
  email: string,
  state: 'pending' | 'expired' | 'cancelled' | 'accepted',
): Promise<string> {
  const db = server.testDb.db;
  const [reader] = await db.select({ id: roles.id }).from(roles).where(eq(roles.name, 'Reader'));
  const [user] = await db
    .insert(users)
    .values({
      email,
      firstName: 'Ada',
      lastName: 'Lovelace',
      status: state === 'accepted' ? 'active' : state === 'cancelled' ? 'created' : 'invited',
      roleId: reader?.id ?? '',
    })
    .returning({ id: users.id });
  const token = newSecretToken();
  const day = 24 * 60 * 60 * 1000;
  await db.insert(invitations).values({
    userId: user?.id ?? '',
    tokenHash: hashToken(token),
    status: state === 'expired' ? 'pending' : state,
    expiresAt: new Date(Date.now() + (state === 'expired' ? -day : 7 * day)),
  });
  return `/invite/${token}`;
}

async function check(page: Page, name: string) {
  // Each caller waits for what it checks to be shown; the page's own loading spinners are gone too.
  await page
    .locator('[role="status"]', { hasText: /^Loading/ })
    .first()
    .waitFor({ state: 'detached' })
    .catch(() => undefined);
  found[name] = await seriousViolations(page);
  titles.set(name, await page.title());
}

useAdminPage({ seedUsers: 300, signIn: false }, (opened) => ({ server, browser, page: admin } = opened));

describe('axe-core on every page and every open dialog or menu (issue 19 item 2)', () => {
  it('the public pages: sign-in, invitation (open, expired, cancelled, used), welcome, no access', {
    timeout: 120_000,
  }, async () => {
    const page = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/sign-in`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await check(page, 'sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await check(page, 'sign-in with errors');
    for (const state of ['expired', 'cancelled', 'accepted'] as const) {
      await page.goto(`${server.url}${await invitationLink(`axe-${state}@roster.test`, state)}`);
      await page.getByRole('alert').waitFor();
      await check(page, `invitation ${state}`);
    }
    await page.goto(`${server.url}/invite/abc`);
    await page.getByRole('alert').waitFor();
    await check(page, 'invitation incomplete');
    await page.goto(`${server.url}${await invitationLink('axe-pending@roster.test', 'pending')}`);
    await page.getByRole('heading', { name: /^Join / }).waitFor();
    await check(page, 'invitation');
    await page.getByRole('button', { name: 'Accept and sign in' }).click();
    await check(page, 'invitation with errors');
    await page.getByLabel('Password', { exact: true }).fill('a long and unusual passphrase 1843');
    await page.getByRole('button', { name: 'Accept and sign in' }).click();
    await page.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();
    await check(page, 'welcome');
    await page.goto(`${server.url}/no-access`);
    await page.getByRole('heading', { name: 'You are signed in' }).waitFor();
    await check(page, 'no access');
    await page.context().close();
  });

  it('the Admin pages, with their drawer, menus and panels open', { timeout: 300_000 }, async () => {
    await signInAsAdmin(admin, server.url);
    const rows = admin.locator('[role="row"][data-user-id]');
    await rows.first().waitFor();
    await check(admin, 'users');
    await admin.getByRole('button', { name: /^Filter by status/ }).click();
    await admin
      .getByRole('menu')
      .or(admin.getByRole('dialog'))
      .or(admin.getByRole('listbox'))
      .first()
      .waitFor();
    await check(admin, 'users: status filter open');
    await admin.keyboard.press('Escape');
    await admin.getByRole('button', { name: /^Filter by role/ }).click();
    await check(admin, 'users: role filter open');
    await admin.keyboard.press('Escape');
    await admin.getByRole('button', { name: 'Mass operation' }).click();
    await admin.getByRole('menu').waitFor();
    await check(admin, 'users: mass operation menu, nothing selected');
    await admin.keyboard.press('Escape');
    await rows.first().getByRole('button').first().click();
    await admin.getByRole('dialog').getByText('Module access', { exact: true }).waitFor();
    await check(admin, 'users: user drawer');
    await admin.keyboard.press('Escape');
    await expect.poll(() => admin.getByRole('dialog').count()).toBe(0);
    await admin.getByLabel('Select loaded users').click();
    await admin.getByRole('button', { name: 'Mass operation' }).click();
    await admin.getByRole('menuitem', { name: 'Assign role', exact: true }).click();
    await admin.getByRole('dialog').getByRole('heading', { name: 'Assign role' }).waitFor();
    await check(admin, 'users: mass operation panel');
    await admin.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    // Copy access: its mode cards, the chosen one shaded (a hint on it once read at 4.37:1).
    await admin.getByRole('button', { name: 'Mass operation' }).click();
    await admin.getByRole('menuitem', { name: 'Copy access and authorizations', exact: true }).click();
    await admin.getByRole('radio', { name: /^Replace/ }).waitFor();
    await check(admin, 'users: copy access panel');
    await admin.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await admin.getByRole('button', { name: 'Mass operation' }).click();
    await admin.getByRole('menuitem', { name: 'Invite', exact: true }).click();
    await admin.getByTestId('bulk-preview').waitFor();
    await check(admin, 'users: mass operation preview');
    await admin.getByRole('button', { name: 'Apply', exact: true }).click();
    await admin.waitForURL((url) => url.searchParams.has('operation'));
    await admin.getByTestId('result-row').first().waitFor({ timeout: 30_000 });
    await check(admin, 'users: operation results');
    const operationId = new URL(admin.url()).searchParams.get('operation');
    for (const [path, name] of [
      ['/admin/operations', 'operations'],
      [`/admin/operations/${operationId}`, 'operation'],
      ['/admin/import', 'import'],
      ['/admin/outbox', 'outbox'],
      ['/admin/tokens', 'tokens'],
      ['/admin/provisioning', 'provisioning'],
    ] as const) {
      await admin.goto(`${server.url}${path}`);
      await admin.getByRole('heading', { level: 1 }).first().waitFor();
      await check(admin, name);
    }
    await admin.goto(`${server.url}/admin/outbox`);
    await admin.locator('tr[data-message-id] a').first().click();
    await admin.frameLocator('iframe').getByText('invited you').waitFor();
    await check(admin, 'outbox message');
    await admin.goto(`${server.url}/admin/tokens`);
    await admin.getByLabel('New token name').fill('Axe');
    await admin.getByRole('button', { name: 'Create token' }).click();
    await admin.getByTestId('new-token').waitFor();
    await check(admin, 'tokens: token created');
    await admin.getByRole('button', { name: 'Done' }).click();
    await admin.getByRole('button', { name: 'Revoke Axe' }).click();
    await admin.getByRole('alertdialog').waitFor();
    await check(admin, 'tokens: revoke');
    await admin.keyboard.press('Escape');
    await admin.getByRole('button', { name: 'Account' }).click();
    await admin.getByRole('menu').waitFor();
    await check(admin, 'account menu');
  });

  it('found no critical or serious violation anywhere', () => {
    const failing = Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0));
    console.log(JSON.stringify(failing, null, 1));
    expect(Object.keys(found).length).toBeGreaterThanOrEqual(25);
    expect(failing).toEqual({});
  });

  it('gives every page a title of its own', () => {
    console.log(JSON.stringify(Object.fromEntries(titles)));
    const pages = [
      'sign-in',
      'invitation',
      'invitation expired',
      'welcome',
      'no access',
      'users',
      'operations',
      'operation',
      'import',
      'outbox',
      'outbox message',
      'tokens',
      'provisioning',
    ];
    const seen = pages.map((p) => titles.get(p));
    expect(new Set(seen).size).toBe(pages.length);
    for (const title of seen) expect(title).toMatch(/ · Roster$|^Roster$/);
  });
});
