import { randomBytes } from 'node:crypto';
import { invitations, moduleAccess, roles, users } from '@roster/db';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../src/testing';
import { seriousViolations } from './axe';
import { screenshot } from './browser';
import { useAdminPage } from './fixture';
import { readPreview, waitForResults } from './massOperation';

/**
 * One user's drawer (issue 19 item 9): its own URL, the actions that fit the user, each run as a
 * one-user mass operation through its preview and Apply, and its activity as sentences.
 */
let server: TestServer;
let page: Page;
let ana: string;
let ben: string;
let cleo: string;

async function prepare({ testDb: { db } }: TestServer) {
  const roleId = new Map(
    (await db.select({ id: roles.id, name: roles.name }).from(roles)).map((r) => [r.name, r.id]),
  );
  const insert = async (
    firstName: string,
    lastName: string,
    role: string,
    status: 'active' | 'invited' = 'active',
  ) => {
    const [row] = await db
      .insert(users)
      .values({
        email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@drawer.example`,
        firstName,
        lastName,
        status,
        roleId: roleId.get(role) ?? '',
        activatedAt: status === 'active' ? new Date(Date.now() - 86_400_000) : null,
      })
      .returning({ id: users.id });
    if (!row) throw new Error('insert failed');
    return row.id;
  };
  ana = await insert('Ana', 'Silva', 'Reader');
  ben = await insert('Ben', 'Costa', 'Reader');
  await db.insert(moduleAccess).values({ userId: ana, module: 'budget', level: 'edit' });
  // Invited a day ago: the invitation can be sent again.
  cleo = await insert('Cleo', 'Nunes', 'Reader', 'invited');
  const sent = new Date(Date.now() - 86_400_000);
  await db.insert(invitations).values({
    userId: cleo,
    tokenHash: randomBytes(32).toString('hex'),
    expiresAt: new Date(sent.getTime() + 7 * 86_400_000),
    lastSentAt: sent,
  });
}

useAdminPage({ prepare }, (opened) => ({ server, page } = opened));
beforeAll(async () => {
  // Ana's drawer has its own URL: opened by it, as a link or a bookmark opens it.
  await page.goto(`${server.url}/admin/users/${ana}`);
});

const drawer = (name = 'Ana Silva') => page.getByRole('dialog', { name });
const sheet = () => page.getByRole('dialog').filter({ hasText: 'Mass operation' });
const actions = (name?: string) => drawer(name).locator('[data-user-actions] button');
const activity = (name?: string) =>
  drawer(name).getByRole('region', { name: 'Activity' }).getByRole('listitem');
const statusOf = async (id: string) =>
  (await server.testDb.db.select({ status: users.status }).from(users).where(eq(users.id, id)))[0]?.status;

async function expectNoSeriousViolations(what: string) {
  const violations = await seriousViolations(page);
  expect(violations, `${what}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
}

/** An action of the drawer through the panel: its one-user preview (by the server), Apply, Close. */
async function runAction(
  label: string,
  choose?: () => Promise<void>,
  user: { id: string; name: string } = { id: ana, name: 'Ana Silva' },
): Promise<string> {
  await drawer(user.name).getByRole('button', { name: label, exact: true }).click();
  await sheet()
    .getByRole('heading', { name: label === 'Copy access from…' ? 'Copy access and authorizations' : label })
    .waitFor();
  await choose?.();
  const preview = await readPreview(page);
  expect(preview.decidedBy).toBe('server');
  expect(preview.counts).toEqual({ change: 1, skip: 0, blocked: 0 });
  await sheet().getByRole('button', { name: 'Apply', exact: true }).click();
  await page.waitForURL((url) => url.searchParams.has('operation'));
  const id = new URL(page.url()).searchParams.get('operation') ?? '';
  await waitForResults(page, id);
  await sheet().getByRole('button', { name: 'Close', exact: true }).last().click();
  await page.waitForURL((url) => !url.searchParams.has('operation'));
  await sheet().waitFor({ state: 'detached' });
  // The drawer is still there, at its own URL.
  expect(new URL(page.url()).pathname).toBe(`/admin/users/${user.id}`);
  await drawer(user.name).waitFor();
  return id;
}

const labels = (name?: string) => actions(name).evaluateAll((els) => els.map((el) => el.textContent ?? ''));

describe('Admin › Users › one user’s drawer', () => {
  it('opens by its URL, with the actions that fit an active user; axe finds nothing serious', async () => {
    await drawer().getByText('Module access', { exact: true }).waitFor();
    await expect.poll(labels).toEqual(['Assign role', 'Copy access from…', 'Copy access to…', 'Deactivate']);
    await drawer().getByText('No recorded activity.').waitFor();
    await expectNoSeriousViolations('drawer');
    await screenshot(page, 'user-drawer-1440');
    // A reload opens it again.
    await page.reload();
    await drawer().getByText('Module access', { exact: true }).waitFor();
  });

  it('assigns a role from the drawer through the preview and Apply; the activity says so with the operation', async () => {
    const id = await runAction('Assign role', async () => {
      await expectNoSeriousViolations('panel, before choosing');
      await sheet().getByRole('button', { name: 'Role to assign' }).click();
      await page.getByRole('combobox', { name: 'Search roles' }).fill('buyer');
      await page.getByRole('option', { name: /Buyer/ }).click();
      await sheet().getByText('Ana Silva', { exact: true }).first().waitFor();
      await screenshot(page, 'user-drawer-assign-role-preview-1440');
      await expectNoSeriousViolations('panel with its preview');
    });
    // Closed, the panel gives focus back to the action that opened it.
    await drawer()
      .getByRole('button', { name: 'Assign role', exact: true })
      .and(page.locator(':focus'))
      .waitFor();
    const sentence = activity().filter({ hasText: 'Role changed' });
    await expect
      .poll(() => sentence.first().textContent())
      .toMatch(
        new RegExp(
          `^Role changed from Reader to Buyer by Roster Administrator, \\d{1,2} [A-Z][a-z]{2}.* \\d{2}:\\d{2} — operation ${id.slice(0, 8)}$`,
        ),
      );
    const link = sentence.first().getByRole('link', { name: `operation ${id.slice(0, 8)}` });
    await expect(link.getAttribute('href')).resolves.toBe(`/admin/operations/${id}`);
    await expect(
      drawer()
        .getByText(/user\.|auth\./)
        .count(),
    ).resolves.toBe(0);
    await screenshot(page, 'user-drawer-activity-1440');
  });

  it('deactivates and reactivates from the drawer; the actions follow the status', async () => {
    await runAction('Deactivate');
    expect(await statusOf(ana)).toBe('deactivated');
    await expect.poll(labels).toEqual(['Assign role', 'Copy access from…', 'Copy access to…', 'Reactivate']);
    // "Deactivate" is gone: focus is on the drawer's first action.
    await drawer()
      .getByRole('button', { name: 'Assign role', exact: true })
      .and(page.locator(':focus'))
      .waitFor();
    await activity()
      .filter({ hasText: /^Deactivated by Roster Administrator, / })
      .waitFor();

    await runAction('Reactivate');
    expect(await statusOf(ana)).toBe('active');
    await expect.poll(labels).toEqual(['Assign role', 'Copy access from…', 'Copy access to…', 'Deactivate']);
    await activity()
      .filter({ hasText: /^Reactivated by Roster Administrator, .* — operation [0-9a-f]{8}$/ })
      .waitFor();
  });

  it('copies this user’s access to another user picked in the drawer', async () => {
    await drawer().getByRole('button', { name: 'Copy access to…' }).click();
    await drawer().getByRole('button', { name: 'Copy Ana Silva’s access to' }).click();
    await page.getByRole('combobox', { name: 'Search users by name or e-mail' }).fill('ben.costa');
    await page.getByRole('option', { name: /ben\.costa@drawer\.example/ }).click();
    await drawer().getByRole('list', { name: 'Users to copy to' }).getByText('Ben Costa').waitFor();
    await drawer().getByRole('button', { name: 'Preview for 1 user' }).click();
    await sheet().getByRole('heading', { name: 'Copy access and authorizations' }).waitFor();
    await sheet().getByText('Ben Costa', { exact: true }).first().waitFor();
    const preview = await readPreview(page);
    expect(preview.counts).toEqual({ change: 1, skip: 0, blocked: 0 });
    await sheet().getByRole('button', { name: 'Apply', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.has('operation'));
    await waitForResults(page, new URL(page.url()).searchParams.get('operation') ?? '');
    const copied = await server.testDb.db
      .select({ module: moduleAccess.module, level: moduleAccess.level })
      .from(moduleAccess)
      .where(eq(moduleAccess.userId, ben));
    expect(copied).toEqual([{ module: 'budget', level: 'edit' }]);
    await sheet().getByRole('button', { name: 'Close', exact: true }).last().click();
    await sheet().waitFor({ state: 'detached' });
    // The picker has closed with its preview: focus is on the drawer's first action.
    await drawer()
      .getByRole('button', { name: 'Assign role', exact: true })
      .and(page.locator(':focus'))
      .waitFor();
  });

  it('closes to the list and gives focus to the user’s row; back and forward reopen and close it', async () => {
    // Closed with its ✕ from the keyboard (Escape, with the operations' toasts shown, is the last
    // describe's).
    await drawer().getByRole('button', { name: 'Close' }).focus();
    await page.keyboard.press('Enter');
    await drawer().waitFor({ state: 'detached' });
    expect(new URL(page.url()).pathname).toBe('/admin/users');
    await page.locator(`[role="row"][data-user-id="${ana}"]:focus`).waitFor();
    await page.goBack();
    await drawer().getByText('Module access', { exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/admin/users/${ana}`);
    await page.goForward();
    await drawer().waitFor({ state: 'detached' });
    // Opened from its row with Enter, closed with Escape: focus is back on the row.
    const row = page.locator(`[role="row"][data-user-id="${ana}"]`);
    await row.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === `/admin/users/${ana}`);
    await drawer().getByText('Module access', { exact: true }).waitFor();
    await drawer().getByRole('button', { name: 'Close' }).focus();
    await page.keyboard.press('Enter');
    await drawer().waitFor({ state: 'detached' });
    await page.locator(`[role="row"][data-user-id="${ana}"]:focus`).waitFor();
  });

  it('an invited user: resend and cancel the invitation, then copy access from another user', async () => {
    const user = { id: cleo, name: 'Cleo Nunes' };
    await page.goto(`${server.url}/admin/users/${cleo}`);
    await drawer(user.name).getByText('Module access', { exact: true }).waitFor();
    await expect
      .poll(() => labels(user.name))
      .toEqual([
        'Assign role',
        'Copy access from…',
        'Copy access to…',
        'Resend invitation',
        'Cancel invitation',
        'Deactivate',
      ]);
    const resent = await runAction('Resend invitation', undefined, user);
    await activity(user.name)
      .filter({ hasText: `Invitation sent again by Roster Administrator` })
      .filter({ hasText: `operation ${resent.slice(0, 8)}` })
      .waitFor();
    await runAction('Cancel invitation', undefined, user);
    expect(await statusOf(cleo)).toBe('created');
    await expect
      .poll(() => labels(user.name))
      .toEqual(['Assign role', 'Copy access from…', 'Copy access to…', 'Invite', 'Deactivate']);
    await activity(user.name)
      .filter({ hasText: /^Invitation cancelled by Roster Administrator, / })
      .waitFor();
    await runAction(
      'Copy access from…',
      async () => {
        await sheet().getByRole('button', { name: 'Copy from' }).click();
        await page.getByRole('combobox', { name: 'Search users by name or e-mail' }).fill('ana.silva');
        await page.getByRole('option', { name: /ana\.silva@drawer\.example/ }).click();
      },
      user,
    );
    await activity(user.name)
      .filter({ hasText: /^Access copied \(Budget: No access → Edit\) by Roster Administrator, / })
      .waitFor();
    await expect(
      drawer(user.name)
        .getByText(/user\.|auth\./)
        .count(),
    ).resolves.toBe(0);
    await screenshot(page, 'user-drawer-invited-activity-1440');
  });

  it('at 1024 × 768: the drawer and the panel fit, and axe finds nothing serious', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.goto(`${server.url}/admin/users/${ana}`);
    await drawer().getByText('Module access', { exact: true }).waitFor();
    await activity().first().waitFor();
    await screenshot(page, 'user-drawer-1024');
    await drawer().getByRole('button', { name: 'Deactivate', exact: true }).click();
    await sheet().getByRole('heading', { name: 'Deactivate' }).waitFor();
    await readPreview(page);
    await expectNoSeriousViolations('deactivate panel at 1024');
    await screenshot(page, 'user-drawer-deactivate-preview-1024');
    await sheet().getByRole('button', { name: 'Cancel', exact: true }).click();
    await sheet().waitFor({ state: 'detached' });
    await drawer()
      .getByRole('button', { name: 'Deactivate', exact: true })
      .and(page.locator(':focus'))
      .waitFor();
    expect(await statusOf(ana)).toBe('active');
  });
});

describe('toasts over the drawer and its panel (issue 19 items 1 and 11)', () => {
  const benName = 'Ben Costa';
  const toastOf = (id: string) => page.locator(`[data-testid="toast"][data-toast-key="operation:${id}"]`);

  /** From Ben's drawer: Assign role to `role`, Apply; returns the operation, the panel still open. */
  async function applyRoleFromDrawer(role: string): Promise<string> {
    await page.goto(`${server.url}/admin/users/${ben}`);
    await drawer(benName).getByText('Module access', { exact: true }).waitFor();
    await drawer(benName).getByRole('button', { name: 'Assign role', exact: true }).click();
    await sheet().getByRole('heading', { name: 'Assign role' }).waitFor();
    await sheet().getByRole('button', { name: 'Role to assign' }).click();
    await page.getByRole('combobox', { name: 'Search roles' }).fill(role);
    await page.getByRole('option', { name: new RegExp(`^${role}`) }).click();
    expect((await readPreview(page)).counts).toEqual({ change: 1, skip: 0, blocked: 0 });
    await sheet().getByRole('button', { name: 'Apply', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.has('operation'));
    const id = new URL(page.url()).searchParams.get('operation') ?? '';
    await waitForResults(page, id);
    return id;
  }

  it('the toast’s Undo, shown while the panel is open, is on top and opens the revert’s preview', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    const id = await applyRoleFromDrawer('Buyer');
    const toast = toastOf(id);
    await toast.getByText('Assign role: succeeded').waitFor();
    // The panel is still open beside the toast.
    await sheet().getByRole('heading', { name: 'Assign role' }).waitFor();
    // While a dialog is open Radix hides the rest of the page from assistive technology: the
    // toast's buttons are found by their text, not their role.
    const undo = toast.locator('button', { hasText: 'Undo' });
    // The pointer on the toast holds it open (Radix pauses its timer) while axe runs.
    await toast.hover();
    await screenshot(page, 'user-drawer-toast-over-panel-1440');
    await expectNoSeriousViolations('toast over the open panel');
    // A real click: Playwright clicks only what is on top at that point and takes pointer events.
    await undo.click();
    await page.waitForURL((url) => url.pathname === `/admin/operations/${id}`);
    expect(new URL(page.url()).searchParams.get('revert')).toBe('1');
    const preview = page.getByTestId('revert-preview');
    await preview.getByText(/gets? back what (they|it) had/).waitFor();
    await expect(preview.textContent()).resolves.toContain('1 user');
    await expect.poll(() => sheet().count()).toBe(0);
    await screenshot(page, 'user-drawer-toast-undo-revert-preview-1440');
  });

  it('Escape closes the panel, then the drawer, never the toast shown over them', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    const id = await applyRoleFromDrawer('Reader');
    const toast = toastOf(id);
    await toast.getByText('Assign role: succeeded').waitFor();
    await toast.hover();
    // The toast came last (Radix's top layer); the panel has the focus: Escape is the panel's.
    await page.keyboard.press('Escape');
    await sheet().waitFor({ state: 'detached' });
    await page.waitForURL((url) => !url.searchParams.has('operation'));
    await drawer(benName).waitFor();
    // The panel's Close told the operation again in a toast of its own (now the top layer).
    await toast.getByText('Assign role: succeeded').waitFor();
    await drawer(benName)
      .getByRole('button', { name: 'Assign role', exact: true })
      .and(page.locator(':focus'))
      .waitFor();
    await screenshot(page, 'user-drawer-toast-after-escape-1024');
    await expectNoSeriousViolations('drawer with the toast at 1024');
    await toast.hover();
    // One more Escape: the drawer closes, to the list; the toast stays.
    await page.keyboard.press('Escape');
    await drawer(benName).waitFor({ state: 'detached' });
    expect(new URL(page.url()).pathname).toBe('/admin/users');
    await page.locator(`[role="row"][data-user-id="${ben}"]:focus`).waitFor();
    await expect(toast.count()).resolves.toBe(1);
    // The toast goes with its own close button.
    await toast.getByRole('button', { name: 'Dismiss' }).click();
    await toast.waitFor({ state: 'detached' });
  });
});
