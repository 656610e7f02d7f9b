import { randomUUID } from 'node:crypto';
import { hashPassword, hashToken, newSecretToken } from '@roster/api';
import { bulkOperations, invitations, roles, users } from '@roster/db';
import { eq, like } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_ADMIN, type TestServer } from '../../src/testing';
import { seriousViolations } from './axe';
import { screenshot } from './browser';
import { openPage, useBrowserServer } from './fixture';
import { chooseOperation, readPreview, search } from './massOperation';
import { signInAsAdmin } from './signIn';

let server: TestServer;
let browser: Browser;
const SECOND_ADMIN = { email: 'second.admin@roster.test', password: 'second admin password 2026' };

async function roleId(name: string, db = server.testDb.db): Promise<string> {
  const [role] = await db.select({ id: roles.id }).from(roles).where(eq(roles.name, name));
  if (!role) throw new Error(`no ${name} role`);
  return role.id;
}

/** An invitation link of a new user in that state. */
async function invitationLink(
  email: string,
  state: 'pending' | 'expired' | 'cancelled' | 'superseded' | 'accepted',
) {
  const [user] = await server.testDb.db
    .insert(users)
    .values({
      email,
      status: state === 'accepted' ? 'active' : state === 'cancelled' ? 'created' : 'invited',
      roleId: await roleId('Reader'),
    })
    .returning({ id: users.id });
  const token = newSecretToken();
  const day = 24 * 60 * 60 * 1000;
  await server.testDb.db.insert(invitations).values({
    userId: user?.id ?? '',
    tokenHash: hashToken(token),
    status: state === 'expired' ? 'pending' : state,
    expiresAt: new Date(Date.now() + (state === 'expired' ? -day : 7 * day)),
  });
  return `${server.url}/invite/${token}`;
}

const newPage = async (width: number, height: number): Promise<[BrowserContext, Page]> => {
  const page = await openPage(browser, { viewport: { width, height }, timeout: 15_000 });
  return [page.context(), page];
};

/** Whether the element is wholly inside the users table's visible area (no sideways scrolling needed). */
async function inView(page: Page, name: string): Promise<boolean> {
  const scroller = await page.getByTestId('users-scroller').boundingBox();
  const box = await header(page, name).boundingBox();
  if (!scroller || !box) return false;
  return box.x >= scroller.x - 1 && box.x + box.width <= scroller.x + scroller.width + 1;
}

/** A column's header by its text (a sortable one is named by its button, "Sort by …"). */
const header = (page: Page, name: string) =>
  page.locator('[role="columnheader"]', { hasText: new RegExp(`^${name}[↑↓]?$`) });

async function prepare({ testDb: { db } }: TestServer) {
  const reader = await roleId('Reader', db);
  await db.insert(users).values(
    Array.from({ length: 120 }, (_, i) => ({
      email: `many-${String(i).padStart(3, '0')}@fixture.example`,
      firstName: 'Many',
      lastName: `Person ${i}`,
      status: 'active' as const,
      roleId: reader,
    })),
  );
  await db.insert(users).values({
    email: SECOND_ADMIN.email,
    firstName: 'Second',
    lastName: 'Admin',
    status: 'active',
    roleId: await roleId('Administrator', db),
    passwordHash: await hashPassword(SECOND_ADMIN.password),
  });
}

useBrowserServer({ seedUsers: 400, prepare }, (started) => ({ server, browser } = started));

describe('the users table at 1440 px (issue 19 item 3)', () => {
  it('shows name, e-mail, role, status and module access without sideways scrolling', {
    timeout: 90_000,
  }, async () => {
    const [context, page] = await newPage(1440, 900);
    await signInAsAdmin(page, server.url);
    await page.locator('[role="row"][data-user-id]').first().waitFor();
    for (const name of ['Name', 'E-mail', 'Role', 'Status', 'Module access'])
      await header(page, name).waitFor();
    const scroller = page.getByTestId('users-scroller');
    const overflow = await scroller.evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expect(header(page, 'Last sign-in').count()).resolves.toBe(0);
    await screenshot(page, 'layout-1440-users');
    await context.close();
  });

  it('remembers the chosen columns per administrator across a reload; checkbox and name stay put when it scrolls', {
    timeout: 120_000,
  }, async () => {
    const [context, page] = await newPage(1440, 900);
    await signInAsAdmin(page, server.url);
    await page.locator('[role="row"][data-user-id]').first().waitFor();
    await page.getByRole('button', { name: 'Columns' }).click();
    for (const column of ['Last sign-in', 'Scope', 'Rights']) {
      await page.getByRole('menuitemcheckbox', { name: column }).click();
    }
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await screenshot(page, 'layout-1440-columns-chosen');
    for (const name of ['Last sign-in', 'Scope', 'Rights']) await header(page, name).waitFor();
    await expect(header(page, 'Created').count()).resolves.toBe(0);
    await page.reload();
    await page.locator('[role="row"][data-user-id]').first().waitFor();
    for (const name of ['Last sign-in', 'Scope', 'Rights']) await header(page, name).waitFor();
    await expect(header(page, 'Created').count()).resolves.toBe(0);
    const stored = (await context.storageState()).origins
      .flatMap((origin) => origin.localStorage)
      .filter((item) => item.name.startsWith('roster.users.columns.'));
    expect(stored).toHaveLength(1);
    expect(JSON.parse(stored[0]?.value ?? '[]')).toEqual(['lastLogin', 'scope', 'rights']);

    // Scrolled sideways, the checkbox and the name stay where they were; the e-mail moves.
    const scroller = page.getByTestId('users-scroller');
    expect(await scroller.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeGreaterThan(100);
    const firstRow = page.locator('[role="row"][data-index="0"]');
    const positions = async () =>
      firstRow
        .locator('[role="cell"]')
        .evaluateAll((cells) => cells.slice(0, 3).map((c) => Math.round(c.getBoundingClientRect().left)));
    const before = await positions();
    await scroller.evaluate((el) => {
      el.scrollLeft = 300;
    });
    await expect.poll(positions).not.toEqual(before);
    const after = await positions();
    expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
    expect(after[2]).toBeLessThan(before[2] ?? 0);
    await screenshot(page, 'layout-1440-scrolled-sideways');

    // Another administrator in the same browser has their own choice (none yet).
    await page.getByRole('button', { name: 'Account' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    // The sign-in page, not the users table still on screen (whose "Sort by e-mail" also answers to E-mail).
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('E-mail').fill(SECOND_ADMIN.email);
    await page.getByLabel('Password').fill(SECOND_ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[role="row"][data-user-id]').first().waitFor();
    await header(page, 'Module access').waitFor();
    await expect(header(page, 'Last sign-in').count()).resolves.toBe(0);
    await context.close();
  });
});

describe('narrow screens (issue 19 item 4)', () => {
  it('at 1024 px: the essential columns of Users and Operations are in view', {
    timeout: 120_000,
  }, async () => {
    const [context, page] = await newPage(1024, 768);
    await signInAsAdmin(page, server.url);
    await page.locator('[role="row"][data-user-id]').first().waitFor();
    for (const name of ['Name', 'E-mail', 'Role', 'Status']) {
      await header(page, name).waitFor();
      expect(await inView(page, name), name).toBe(true);
    }
    await screenshot(page, 'layout-1024-users');
    // A finished role change, as Operations lists it (written directly: this test is about its layout).
    const [actor] = await server.testDb.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, TEST_ADMIN.email));
    const buyer = await roleId('Buyer');
    await server.testDb.db.insert(bulkOperations).values({
      id: randomUUID(),
      kind: 'assign_role',
      params: { kind: 'assign_role', roleId: buyer },
      selection: { kind: 'ids', count: 1_250 },
      actorId: actor?.id ?? '',
      status: 'completed_with_skips',
      total: 1_250,
      processed: 1_250,
      changed: 1_200,
      skipped: 40,
      blocked: 10,
      startedAt: new Date(),
      finishedAt: new Date(),
    });
    // And one whose parameters say much (a long invitation message): its words wrap, Status stays in view.
    await server.testDb.db.insert(bulkOperations).values({
      id: randomUUID(),
      kind: 'invite',
      params: {
        kind: 'invite',
        message:
          'Welcome to the portfolio tool: please accept before Friday, so that your projects can start on Monday.',
      },
      selection: { kind: 'ids', count: 2_000 },
      actorId: actor?.id ?? '',
      status: 'completed_with_skips',
      total: 2_000,
      processed: 2_000,
      changed: 1_990,
      skipped: 10,
      startedAt: new Date(),
      finishedAt: new Date(),
    });
    await page.goto(`${server.url}/admin/operations`);
    const table = page.getByRole('table', { name: 'Operations' });
    await table.locator('tbody tr').first().waitFor();
    const overflow = await table.evaluate(
      (el) => (el.parentElement?.scrollWidth ?? 0) - (el.parentElement?.clientWidth ?? 0),
    );
    expect(overflow).toBeLessThanOrEqual(0);
    const box = await table.boundingBox();
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(1024);
    for (const name of ['Total', 'Results', 'Status'])
      await table.getByRole('columnheader', { name }).waitFor();
    await screenshot(page, 'layout-1024-operations');
    // The other pages' tables fit too: nothing scrolls sideways.
    for (const path of ['outbox', 'tokens', 'import', 'provisioning']) {
      await page.goto(`${server.url}/admin/${path}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      const sideways = await page.locator('main').evaluate((el) => el.scrollWidth - el.clientWidth);
      expect(sideways, path).toBeLessThanOrEqual(0);
      await screenshot(page, `layout-1024-${path}`);
    }
    await context.close();
  });

  it('below 768 px the navigation is a menu; sign-in, invitation and welcome fit a phone (390x844)', {
    timeout: 120_000,
  }, async () => {
    const [context, page] = await newPage(390, 844);
    const link = await invitationLink('phone.invitee@roster.test', 'pending');
    await page.goto(`${server.url}/sign-in`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const noSideways = async () =>
      (await page.locator('html').evaluate((el) => el.scrollWidth - el.clientWidth)) <= 0;
    expect(await noSideways()).toBe(true);
    await screenshot(page, 'layout-390-sign-in');
    await page.goto(link);
    await page.getByRole('heading', { name: /^Join / }).waitFor();
    expect(await noSideways()).toBe(true);
    await screenshot(page, 'layout-390-invitation');
    await page.getByLabel('First name').fill('Phoebe');
    await page.getByLabel('Last name').fill('Phone');
    await page.getByLabel('Password', { exact: true }).fill('a long and unusual passphrase 1843');
    await page.getByRole('button', { name: 'Accept and sign in' }).click();
    await page.getByRole('heading', { name: 'Welcome, Phoebe' }).waitFor();
    expect(await noSideways()).toBe(true);
    await screenshot(page, 'layout-390-welcome');
    await context.close();

    const [adminContext, admin] = await newPage(390, 844);
    await admin.goto(`${server.url}/sign-in?next=/admin/operations`);
    await admin.getByLabel('E-mail').fill(SECOND_ADMIN.email);
    await admin.getByLabel('Password').fill(SECOND_ADMIN.password);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByRole('heading', { name: 'Operations' }).waitFor();
    await expect(admin.getByRole('navigation', { name: 'Admin' }).count()).resolves.toBe(0);
    await screenshot(admin, 'layout-390-admin');
    const menu = admin.getByRole('button', { name: 'Menu' });
    await menu.click();
    const nav = admin.getByRole('dialog').getByRole('navigation', { name: 'Admin' });
    await screenshot(admin, 'layout-390-admin-menu');
    expect(await seriousViolations(admin)).toEqual([]);
    await nav.getByRole('link', { name: 'Users' }).click();
    await admin.waitForURL(/\/admin\/users/);
    await expect.poll(() => admin.getByRole('dialog').count()).toBe(0);
    await admin.locator('[role="row"][data-user-id]').first().waitFor();
    await screenshot(admin, 'layout-390-users');
    // The filters and the list tools beside them do not overlap on a phone: the tools wrap below.
    const search = await admin.getByLabel('Search users').boundingBox();
    const listTool = await admin.getByRole('button', { name: 'Select from a list…' }).boundingBox();
    expect(search && listTool).toBeTruthy();
    if (search && listTool) {
      const apart =
        listTool.y >= search.y + search.height ||
        search.y >= listTool.y + listTool.height ||
        listTool.x >= search.x + search.width ||
        search.x >= listTool.x + listTool.width;
      expect(apart).toBe(true);
      expect(search.width).toBeGreaterThan(200);
    }
    await adminContext.close();
  });
});

describe('links that no longer work say what to do next (issue 19 item 13)', () => {
  it.each([
    ['expired', 'This invitation has expired', /resend the invitation/, true],
    ['cancelled', 'This invitation was cancelled', /invite you again/, true],
    ['superseded', 'This link was replaced by a newer one', /most recent invitation e-mail/, false],
    ['accepted', 'This invitation was already accepted', /sign in with your e-mail address/, true],
  ] as const)(
    '%s: says why, what to do, and offers sign-in where it helps',
    async (state, title, step, signIn) => {
      const [context, page] = await newPage(390, 844);
      await page.goto(await invitationLink(`dead-${state}@roster.test`, state));
      await page.getByRole('heading', { name: title }).waitFor();
      await page.getByTestId('next-steps').getByText(step).waitFor();
      await expect(page.getByRole('link', { name: 'Go to sign-in' }).count()).resolves.toBe(signIn ? 1 : 0);
      await screenshot(page, `dead-link-${state}`);
      expect(await seriousViolations(page)).toEqual([]);
      await context.close();
    },
  );

  it('a reader who just accepted is told where to go, not left on a dead end', async () => {
    const [context, page] = await newPage(1280, 800);
    await page.goto(await invitationLink('reader.invitee@roster.test', 'pending'));
    await page.getByLabel('First name').fill('Rhea');
    await page.getByLabel('Last name').fill('Reader');
    await page.getByLabel('Password', { exact: true }).fill('a long and unusual passphrase 1843');
    await page.getByRole('button', { name: 'Accept and sign in' }).click();
    await page.getByRole('heading', { name: 'Welcome, Rhea' }).waitFor();
    const where = page.getByTestId('where-to-go');
    await where.getByRole('heading', { name: 'Where to go next' }).waitFor();
    await where.getByText(/open the platform from the link your organisation uses/).waitFor();
    await where.getByText(/Ask the administrator who invited you/).waitFor();
    await screenshot(page, 'welcome-reader');
    await context.close();
  });
});

describe('destructive operations over many users ask for the typed count (issue 19 item 12)', () => {
  it('Deactivate over 120 users: Apply waits for 120 typed, then deactivates them', {
    timeout: 120_000,
  }, async () => {
    const [context, page] = await newPage(1440, 900);
    await signInAsAdmin(page, server.url);
    await search(page, 'many-');
    await page.getByText('120 matching users', { exact: true }).waitFor();
    await page.getByRole('button', { name: /^select all 120/i }).click();
    await chooseOperation(page, 'Deactivate');
    const panel = page.getByRole('dialog');
    expect((await readPreview(page)).counts).toEqual({ change: 120, skip: 0, blocked: 0 });
    const asked = panel.getByTestId('count-confirmation');
    await asked.getByText('This applies to 120 users at once').waitFor();
    const apply = panel.getByRole('button', { name: 'Apply', exact: true });
    await expect(apply.isDisabled()).resolves.toBe(true);
    const field = panel.getByLabel('Number of users to deactivate');
    await field.fill('119');
    await expect(apply.isDisabled()).resolves.toBe(true);
    await screenshot(page, 'typed-count-deactivate');
    expect(await seriousViolations(page)).toEqual([]);
    await field.fill('120');
    await expect.poll(() => apply.isEnabled()).toBe(true);
    await apply.click();
    await page.waitForURL((url) => url.searchParams.has('operation'));
    await expect
      .poll(
        async () =>
          (
            await server.testDb.db
              .select({ status: users.status })
              .from(users)
              .where(like(users.email, 'many-%@fixture.example'))
          ).filter((u) => u.status === 'deactivated').length,
        { timeout: 30_000 },
      )
      .toBe(120);
    await context.close();
  });

  it('fewer than 100 users: nothing to type', async () => {
    const [context, page] = await newPage(1440, 900);
    await signInAsAdmin(page, server.url);
    await search(page, 'many-00');
    await page.getByText('10 matching users', { exact: true }).waitFor();
    await page.getByLabel('Select loaded users').click();
    await chooseOperation(page, 'Deactivate');
    await readPreview(page);
    await expect(page.getByTestId('count-confirmation').count()).resolves.toBe(0);
    await context.close();
  });
});
