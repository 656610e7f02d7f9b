import { invitations, roles, users } from '@roster/db';
import { eq, inArray } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../../src/testing';
import { screenshot } from './browser';
import { useAdminPage } from './fixture';
import { applyAndWait, chooseOperation, closeSheet, readPreview, search, selectGroup } from './massOperation';

let server: TestServer;
let browser: Browser;
let admin: Page;

const PEOPLE = ['inv-flow-grace@fixture.example', 'inv-flow-alan@fixture.example'];

useAdminPage(
  {
    prepare: async ({ testDb: { db } }) => {
      const [reader] = await db.select({ id: roles.id }).from(roles).where(eq(roles.name, 'Reader'));
      await db
        .insert(users)
        .values(PEOPLE.map((email) => ({ email, status: 'created' as const, roleId: reader?.id ?? '' })));
    },
  },
  (opened) => ({ server, browser, page: admin } = opened),
);

describe('An invitation, from the mass operation to a signed-in invitee', () => {
  it('is captured in the outbox, accepted through its link in a fresh browser, and the user is active', async () => {
    // The administrator invites two people.
    await selectGroup(admin, 'inv-flow', 2);
    await chooseOperation(admin, 'Invite');
    await admin.getByLabel('Message (optional)').fill('Welcome to the <portfolio> tool!');
    expect((await readPreview(admin)).counts).toEqual({ change: 2, skip: 0, blocked: 0 });
    await applyAndWait(admin);
    await closeSheet(admin);

    // Without SMTP, both e-mails wait in Admin › Outbox.
    await admin.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Outbox' }).click();
    await admin.getByText('No SMTP server is configured').waitFor();
    const grace = admin.getByRole('link', { name: PEOPLE[0] });
    await grace.waitFor();
    await expect.poll(() => admin.locator('tr[data-message-id]').count()).toBe(2);
    await screenshot(admin, 'outbox-list');

    // Opened, it reads as its recipient would see it.
    await grace.click();
    const mail = admin.frameLocator('iframe[title="E-mail as displayed"]');
    await mail.getByText('invited you to Roster').waitFor();
    await mail.getByText('Welcome to the <portfolio> tool!').waitFor();
    await screenshot(admin, 'outbox-message');
    const href = await mail.getByRole('link', { name: 'Accept the invitation' }).getAttribute('href');
    expect(href).toMatch(/^http:\/\/127\.0\.0\.1\/invite\/[A-Za-z0-9_-]{43}$/);
    await admin.getByRole('tab', { name: 'Plain text' }).click();
    expect(await admin.getByTestId('email-text').textContent()).toContain(href ?? '');
    const invitePath = new URL(href ?? '').pathname;

    // The invitee opens the link in a browser of their own; opening it changes nothing.
    const invitee = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await invitee.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}${invitePath}`);
    await page.getByRole('heading', { name: 'Join Roster' }).waitFor();
    await page.getByText(PEOPLE[0] ?? '').waitFor();
    const [before] = await server.testDb.db
      .select()
      .from(users)
      .where(eq(users.email, PEOPLE[0] ?? ''));
    expect(before?.status).toBe('invited');

    // A weak password is explained before anything is sent.
    await page.getByLabel('First name').fill('Grace');
    await page.getByLabel('Last name').fill('Hopper');
    await page.getByLabel('Password', { exact: true }).fill('hopper');
    await page.getByRole('button', { name: 'Accept and sign in' }).click();
    const broken = page.getByRole('list', { name: 'Password rules' }).locator('li[data-met="false"]');
    await expect
      .poll(() => broken.evaluateAll((els) => els.map((el) => el.getAttribute('data-rule'))))
      .toEqual(['too_short', 'contains_personal_data']);
    await page.getByText('Do not use your name or e-mail address in your password.').waitFor();
    await screenshot(page, 'invitation-accept');
    await page.getByLabel('Password', { exact: true }).fill('compiler of languages 1952');
    await page.getByRole('button', { name: 'Accept and sign in' }).click();

    // Accepted: signed in, welcomed, active.
    await page.getByRole('heading', { name: 'Welcome, Grace' }).waitFor();
    await screenshot(page, 'invitation-welcome');
    const [after] = await server.testDb.db
      .select()
      .from(users)
      .where(eq(users.email, PEOPLE[0] ?? ''));
    expect(after).toMatchObject({ status: 'active', firstName: 'Grace', lastName: 'Hopper' });
    expect((await invitee.cookies()).map((c) => c.name)).toContain('roster_session');

    // The same link again says it was used, and offers to sign in.
    await page.goto(`${server.url}${invitePath}`);
    await page.getByRole('heading', { name: 'This invitation was already accepted' }).waitFor();
    await screenshot(page, 'invitation-used');
    await invitee.close();

    // The administrator sees Grace active, and Alan still invited with when and until when.
    await admin.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Users' }).click();
    await search(admin, 'inv-flow');
    const graceRow = admin.locator('[role="row"][data-user-id]', { hasText: PEOPLE[0] ?? '' });
    await expect.poll(() => graceRow.textContent()).toContain('Active');
    const alanRow = admin.locator('[role="row"][data-user-id]', { hasText: PEOPLE[1] ?? '' });
    await expect.poll(() => alanRow.textContent()).toMatch(/Invitedsent .+ · until /);
    await screenshot(admin, 'invitation-users');
    const pending = await server.testDb.db
      .select({ status: invitations.status })
      .from(invitations)
      .innerJoin(users, eq(users.id, invitations.userId))
      .where(inArray(users.email, PEOPLE));
    expect(pending.map((p) => p.status).sort()).toEqual(['accepted', 'pending']);
  });

  it('says clearly when a link is incomplete or unknown', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/invite/abc`);
    await page.getByRole('heading', { name: 'This link is incomplete' }).waitFor();
    await page.goto(`${server.url}/invite/${'a'.repeat(43)}`);
    await page.getByRole('heading', { name: 'This link is not valid' }).waitFor();
    await screenshot(page, 'invitation-unknown');
    await context.close();
  });
});
