import { randomUUID } from 'node:crypto';
import { roles, users } from '@roster/db';
import { FINISHED_POLL_MS } from '@roster/domain';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../../src/testing';
import { seriousViolations } from './axe';
import { screenshot } from './browser';
import { useAdminPage } from './fixture';
import { applyAndWait, chooseOperation, closeSheet, search, selectGroup } from './massOperation';

/**
 * Issue 19 items 10 and 11 in the browser: the toast after Apply and Close with its Undo (the revert's
 * preview), the notice of an operation finished in the background wherever the administrator is,
 * and the Operations history's filters and results search.
 */
let server: TestServer;
let page: Page;
const roleIds = new Map<string, string>();
/** The users of the background operation: more than run inside the request (1,000). */
const BACKGROUND_USERS = 1_001;
let backgroundIds: string[] = [];

const toastOf = (id: string) => page.locator(`[data-testid="toast"][data-toast-key="operation:${id}"]`);

/**
 * Assigns a role to the background users from the page's session, as another tab or a tool would:
 * too many to finish inside the request, a worker runs it and the app tells of it when it is done.
 */
async function assignInBackground(role: string) {
  const id = randomUUID();
  const started = await page.evaluate(
    async (input) => {
      const response = await fetch('/trpc/bulk.execute', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-roster-csrf': '1' },
        body: JSON.stringify({ json: input }),
      });
      return { status: response.status, body: await response.text() };
    },
    {
      operationId: id,
      operation: { kind: 'assign_role', roleId: roleIds.get(role) ?? '' },
      selection: { ids: backgroundIds },
    },
  );
  return { id, started };
}

async function prepare({ testDb: { db } }: TestServer) {
  for (const role of await db.select({ id: roles.id, name: roles.name }).from(roles))
    roleIds.set(role.name, role.id);
  const reader = roleIds.get('Reader') ?? '';
  const person = (tag: string, n: number) => ({
    email: `${tag}-${String(n).padStart(4, '0')}@toast.example`,
    firstName: 'Toast',
    lastName: `${tag} ${n}`,
    status: 'active' as const,
    roleId: reader,
    activatedAt: new Date(Date.now() - 86_400_000),
  });
  await db.insert(users).values([1, 2, 3].map((n) => person('undo', n)));
  const background = await db
    .insert(users)
    .values(Array.from({ length: BACKGROUND_USERS }, (_, n) => person('bgop', n)))
    .returning({ id: users.id });
  backgroundIds = background.map((u) => u.id);
}

useAdminPage({ prepare }, (opened) => ({ server, page } = opened));

describe('toasts after Apply and Close (issue 19 item 11)', () => {
  let applied = '';

  it('Apply shows a toast; after Close it offers Undo, reachable by keyboard, which opens the revert’s preview', async () => {
    await selectGroup(page, 'undo', 3);
    await chooseOperation(page, 'Assign role');
    await page.getByRole('button', { name: 'Role to assign' }).click();
    await page.getByRole('combobox', { name: 'Search roles' }).fill('buyer');
    await page.getByRole('option', { name: /Buyer/ }).click();
    applied = await applyAndWait(page);
    await toastOf(applied).getByText('Assign role: succeeded').waitFor();
    await toastOf(applied).getByText('3 changed of 3 users.').waitFor();
    await screenshot(page, 'toast-after-apply-1440');

    await closeSheet(page);
    const toast = toastOf(applied);
    await toast.getByText('Assign role: succeeded').waitFor();
    await toast.getByRole('button', { name: 'Undo' }).waitFor();
    await screenshot(page, 'toast-after-close-1440');
    // F8 takes the keyboard to the notifications (which holds the toast open while it has focus);
    // the toast's buttons are then a Tab away.
    await page.keyboard.press('F8');
    // axe with the toast shown: no serious or critical violation.
    expect(await seriousViolations(page)).toEqual([]);
    await toast.getByRole('button', { name: 'Undo' }).waitFor();
    let reached = '';
    for (let i = 0; i < 6 && reached !== 'Undo'; i++) {
      await page.keyboard.press('Tab');
      const focused = page.locator(':focus');
      reached = (await focused.count()) > 0 ? ((await focused.first().textContent())?.trim() ?? '') : '';
    }
    expect(reached).toBe('Undo');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === `/admin/operations/${applied}`);
    expect(new URL(page.url()).searchParams.get('revert')).toBe('1');
    const preview = page.getByTestId('revert-preview');
    await preview.waitFor();
    await expect(preview.textContent()).resolves.toContain('3 users get back what they had');
    await page
      .getByRole('region', { name: 'Revert this operation' })
      .getByRole('button', { name: 'Revert' })
      .waitFor();
    await screenshot(page, 'toast-undo-revert-preview-1440');
  });

  it('an operation that finished in the background is told wherever the administrator is', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Outbox' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/outbox');
    // Started from elsewhere (another tab, a tool) on the administrator's session: too large to
    // finish inside its request, a worker runs it.
    const { id, started } = await assignInBackground('Buyer');
    expect(started.status, started.body).toBe(200);
    expect(started.body).toContain('"finishedAt":null');
    const notice = toastOf(id);
    await notice.getByText('Assign role: succeeded').waitFor({ timeout: 4 * FINISHED_POLL_MS });
    await notice.getByText(`${BACKGROUND_USERS.toLocaleString('en')} changed`, { exact: false }).waitFor();
    expect(page.url()).toContain('/admin/outbox');
    await screenshot(page, 'toast-finished-notice-1024');
    // Held open while the notifications have the keyboard's focus (a slow axe run outlasts a toast).
    await page.keyboard.press('F8');
    expect(await seriousViolations(page)).toEqual([]);
    await notice.getByRole('button', { name: 'View' }).click();
    await page.waitForURL((url) => url.pathname === `/admin/operations/${id}`);
  });
});

describe('Operations history filters and results search (issue 19 item 10)', () => {
  const listed = () => page.locator('tr[data-operation-id]');

  it('filters by operation, who started it and status, kept in the URL; searches one operation’s results', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${server.url}/admin/operations`);
    await expect.poll(() => listed().count()).toBe(2);
    await page.getByLabel('Operation', { exact: true }).selectOption('deactivate');
    await page.waitForURL((url) => url.searchParams.get('kind') === 'deactivate');
    await page.getByText('No operation matches these filters').waitFor();
    await page.getByLabel('Operation', { exact: true }).selectOption('assign_role');
    await page.getByLabel('Status').selectOption('succeeded');
    await page.waitForURL((url) => url.searchParams.get('status') === 'succeeded');
    await expect.poll(() => listed().count()).toBe(2);
    // Kept in the URL: a reload (or a shared link) shows the same view.
    await page.reload();
    await expect(page.getByLabel('Operation', { exact: true }).inputValue()).resolves.toBe('assign_role');
    await expect.poll(() => listed().count()).toBe(2);
    const by = page.getByLabel('Started by');
    await expect.poll(() => by.locator('option').count()).toBe(2);
    await by.selectOption({ index: 1 });
    await page.waitForURL((url) => url.searchParams.has('by'));
    await expect.poll(() => listed().count()).toBe(2);
    await page.getByLabel('Started from').fill('2001-01-01');
    await page.getByLabel('to', { exact: true }).fill('2001-01-31');
    await page.getByText('No operation matches these filters').waitFor();
    await screenshot(page, 'operations-filters-1440');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await page.waitForURL((url) => url.search === '');
    await expect.poll(() => listed().count()).toBe(2);

    // The background operation's results, searched by e-mail and by name.
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.getByLabel('Status').selectOption('succeeded');
    await page.waitForURL((url) => url.searchParams.get('status') === 'succeeded');
    await expect.poll(() => listed().count()).toBe(2);
    await screenshot(page, 'operations-filters-1024');
    await listed().first().getByRole('link').click();
    const results = page.getByTestId('result-row');
    await expect.poll(() => results.count()).toBe(50);
    const search = page.getByLabel('Search the results by name or e-mail');
    await search.fill('bgop-0007');
    await expect.poll(() => results.count()).toBe(1);
    await expect(results.first().textContent()).resolves.toContain('bgop-0007@toast.example');
    await search.fill('BGOP 100');
    // "Toast bgop 100", 1000: the names holding the text.
    await expect.poll(() => results.count()).toBe(2);
    await search.fill('nobody-here');
    await page.getByText('No users match “nobody-here”.').waitFor();
    await search.fill('bgop-000');
    await expect.poll(() => results.count()).toBe(10);
    await screenshot(page, 'operation-results-search-1024');
    expect(await seriousViolations(page)).toEqual([]);
  });
});

describe('Escape with a toast over a dialog (issue 19 items 1 and 11)', () => {
  it('a toast shown over a dialog that does not take it lets Escape dismiss the toast, then the dialog', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'Select from a list…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox').focus();
    // The dialog was open first: the notice of an operation finished in the background comes on top.
    const { id, started } = await assignInBackground('Reader');
    expect(started.status, started.body).toBe(200);
    const notice = toastOf(id);
    await notice.getByText('Assign role: succeeded').waitFor({ timeout: 4 * FINISHED_POLL_MS });
    // The pointer rests on the toast (its time stops): only the Escape can take it away.
    await notice.hover();
    await page.keyboard.press('Escape');
    await notice.waitFor({ state: 'detached' });
    await expect(dialog.count()).resolves.toBe(1);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });
});

describe('an operation that finishes before the administrator’s eyes (issue 19 item 11)', () => {
  it('brings its “started” toast up to date, with Undo, instead of leaving it up', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await search(page, 'bgop-');
    await page
      .getByText(`${BACKGROUND_USERS.toLocaleString('en')} matching users`, { exact: true })
      .waitFor();
    await page.getByLabel('Select loaded users').click();
    await page
      .getByRole('button', {
        name: `Select all ${BACKGROUND_USERS.toLocaleString('en')} users matching this filter`,
      })
      .click();
    await chooseOperation(page, 'Assign role');
    await page.getByRole('button', { name: 'Role to assign' }).click();
    await page.getByRole('combobox', { name: 'Search roles' }).fill('buyer');
    await page.getByRole('option', { name: /Buyer/ }).click();
    // More users than run inside the request: Apply answers "started", a worker runs it while the
    // panel follows it to its results.
    const id = await applyAndWait(page);
    const toast = toastOf(id);
    // Once finished, the toast says so at once (it would have said "started" for its 15 s).
    await toast.getByText('Assign role: succeeded').waitFor({ timeout: 5_000 });
    await toast.getByText('1,001 changed of 1,001 users.').waitFor();
    await expect(toast.getByText('Assign role started').count()).resolves.toBe(0);
    await screenshot(page, 'toast-finished-while-watched-1024');
    // The panel is modal (what is outside it is hidden from assistive technology): once it is
    // closed, the toast's Undo is a button like any other.
    await closeSheet(page);
    await toast.getByRole('button', { name: 'Undo' }).waitFor();
    // Held open while the notifications have the keyboard's focus (a slow axe run outlasts a toast).
    await page.keyboard.press('F8');
    expect(await seriousViolations(page)).toEqual([]);

    // Undo done: the revert's toast takes the place of the operation's, whose Undo is spent.
    await toast.getByRole('button', { name: 'Undo' }).click();
    await page.waitForURL((url) => url.pathname === `/admin/operations/${id}`);
    const confirm = page
      .getByRole('region', { name: 'Revert this operation' })
      .getByRole('button', { name: 'Revert' });
    await page.getByTestId('revert-preview').getByText('1,001 users get back what they had').waitFor();
    await confirm.click();
    await page.waitForURL(
      (url) => url.pathname.startsWith('/admin/operations/') && !url.pathname.endsWith(id),
    );
    const revertId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
    await toastOf(revertId).getByText('Revert: succeeded').waitFor({ timeout: 10_000 });
    await expect(toast.count()).resolves.toBe(0);
    await screenshot(page, 'toast-revert-replaces-undo-1024');
  });
});
