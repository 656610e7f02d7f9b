import { users } from '@roster/db';
import { selectionSchema } from '@roster/domain';
import { count } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { TestServer } from '../../src/testing';
import { screenshot } from './browser';
import { queryThroughPage, useAdminPage } from './fixture';
import { chooseOperation, confirmTypedCount, readPreview } from './massOperation';

let server: TestServer;
let page: Page;

// More than 2,000 users: the list used to show its own estimate beyond that ("About 2,001").
useAdminPage({ seedUsers: 2_600 }, (opened) => ({ server, page } = opened));

/** What the API answers for the same view, through the page's own session. */
const apiList = (input: unknown) =>
  queryThroughPage(
    page,
    'users.list',
    input,
    z.object({ total: z.number(), items: z.array(z.object({ id: z.string(), email: z.string() })) }),
  );

const rows = () => page.locator('[role="row"][data-user-id]');
const selectionOf = async () =>
  selectionSchema.parse(
    JSON.parse((await page.getByTestId('selection-bar').getAttribute('data-selection')) ?? 'null'),
  );

describe('Admin › Users', () => {
  it('lists the users, with the exact total (count(*)), never an estimate', async () => {
    await rows().first().waitFor();
    const api = await apiList({ limit: 1 });
    const [row] = await server.testDb.db.select({ n: count() }).from(users);
    expect(api.total).toBe(row?.n);
    await page.getByText(`${api.total.toLocaleString('en')} users`, { exact: true }).waitFor();
    await expect(page.getByText(/About/).count()).resolves.toBe(0);
    await screenshot(page, 'users');
  });

  it('searches, and keeps the search in the URL across a reload', async () => {
    await page.getByLabel('Search users').fill('martin');
    await page.waitForURL(/q=martin/);
    const api = await apiList({ filter: { search: 'martin' }, limit: 500 });
    expect(api.total).toBeGreaterThan(0);
    await page.getByText(`${api.total.toLocaleString('en')} matching users`).waitFor();
    const emails = await rows().evaluateAll((els) => els.map((el) => el.textContent?.toLowerCase() ?? ''));
    expect(emails.length).toBeGreaterThan(0);
    for (const text of emails) expect(text).toContain('martin');
    await page.reload();
    await page.getByText(`${api.total.toLocaleString('en')} matching users`).waitFor();
    await expect(page.getByLabel('Search users').inputValue()).resolves.toBe('martin');
    await screenshot(page, 'users-search');
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await page.waitForURL((url) => !url.search.includes('q='));
  });

  it('filters by status through the menu, and by expired invitations', async () => {
    await page.getByRole('button', { name: /^Filter by status/ }).click();
    await page.getByRole('menuitemcheckbox', { name: 'Invited' }).click();
    await page.keyboard.press('Escape');
    await page.waitForURL(/status=invited/);
    const api = await apiList({ filter: { status: ['invited'] }, limit: 1 });
    await page.getByText(`${api.total.toLocaleString('en')} matching users`).waitFor();
    await page.getByRole('button', { name: 'Invitation expired' }).click();
    await page.waitForURL(/expired=1/);
    const expired = await apiList({ filter: { status: ['invited'], invitationExpired: true }, limit: 1 });
    expect(expired.total).toBeGreaterThan(0);
    expect(expired.total).toBeLessThan(api.total);
    await page.getByText(`${expired.total.toLocaleString('en')} matching users`).waitFor();
    await expect(page.getByText('Invitation expired', { exact: true }).count()).resolves.toBeGreaterThan(1);
    await screenshot(page, 'users-expired');
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await page.waitForURL((url) => url.search === '');
  });

  it('scrolls far down, loading pages as it goes', async () => {
    await rows().first().waitFor();
    const scroller = page.getByTestId('users-scroller');
    const lastIndex = () =>
      rows().evaluateAll((els) => Math.max(-1, ...els.map((el) => Number(el.getAttribute('data-index')))));
    // Scrolled to the bottom again each time a look finds it short: as many times as the pages take to
    // come, not a fixed number of fixed pauses (which a slower machine does not fit in).
    await expect
      .poll(
        async () => {
          await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
          return lastIndex();
        },
        { timeout: 30_000 },
      )
      .toBeGreaterThanOrEqual(1_000);
    await screenshot(page, 'users-scrolled');
    await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
  });

  it('shift-click selects a range; space toggles the focused row', async () => {
    const checkbox = (index: number) => page.locator(`[data-index="${index}"] input[type="checkbox"]`);
    await checkbox(2).click();
    await checkbox(7).click({ modifiers: ['Shift'] });
    await expect(page.getByTestId('selected-count').textContent()).resolves.toBe('6 selected');
    const selection = await selectionOf();
    const ids = await Promise.all(
      [2, 3, 4, 5, 6, 7].map((i) => page.locator(`[data-index="${i}"]`).getAttribute('data-user-id')),
    );
    expect('ids' in selection && new Set(selection.ids)).toEqual(new Set(ids));

    await page.locator('[data-index="9"]').focus();
    await page.locator('[data-index="9"]:focus').waitFor();
    await page.keyboard.press('Space');
    await expect(page.getByTestId('selected-count').textContent()).resolves.toBe('7 selected');
    await page.keyboard.press('ArrowDown');
    // Focus moves on the next animation frame; a person's next key press comes later than that.
    await page.locator('[data-index="10"]:focus').waitFor();
    await page.keyboard.press('Space');
    await expect(page.getByTestId('selected-count').textContent()).resolves.toBe('8 selected');
    await screenshot(page, 'users-selected');
    // The rows are one tab stop (the header checkbox is another); a row reached with the keyboard
    // keeps its checkbox and name in view.
    await expect(page.locator('[role="row"][data-user-id][tabindex="0"]').count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Sort by status' }).focus();
    await page.keyboard.press('Tab');
    await page.locator('[role="row"]:focus').waitFor();
    await expect(page.getByTestId('users-scroller').evaluate((el) => el.scrollLeft)).resolves.toBe(0);

    // Sorting keeps the selection.
    await page.getByRole('button', { name: 'Sort by e-mail' }).click();
    await page.waitForURL(/sort=email/);
    await expect(page.getByTestId('selected-count').textContent()).resolves.toBe('8 selected');
    await page.getByRole('button', { name: 'Clear selection' }).click();
    await expect(page.getByTestId('selection-bar').count()).resolves.toBe(0);
  });

  it('"select all N matching" produces the filter selection with the count the API reports', async () => {
    await page.getByRole('button', { name: /^Filter by role/ }).click();
    await page.getByRole('menuitemcheckbox', { name: 'Contributor' }).click();
    await page.keyboard.press('Escape');
    await page.waitForURL(/role=/);
    const roleId = new URL(page.url()).searchParams.get('role');
    const api = await apiList({ filter: { roleIds: [roleId] }, limit: 1 });
    expect(api.total).toBeGreaterThan(USERS_PAGE);
    await page.getByText(`${api.total.toLocaleString('en')} matching users`).waitFor();
    await page.getByLabel('Select loaded users').click();
    await expect(page.getByTestId('selected-count').textContent()).resolves.toBe(`${USERS_PAGE} selected`);
    await page
      .getByRole('button', {
        name: `Select all ${api.total.toLocaleString('en')} users matching this filter`,
      })
      .click();
    await expect(page.getByTestId('selected-count').textContent()).resolves.toBe(
      `${api.total.toLocaleString('en')} selected`,
    );
    await expect(selectionOf()).resolves.toEqual({ filter: { roleIds: [roleId] }, expectedCount: api.total });
    await screenshot(page, 'users-select-all');

    // Unticking one row leaves it out of "all matching": it never drops the rest of the selection.
    const firstId = (await rows().first().getAttribute('data-user-id')) ?? '';
    await rows().first().getByRole('checkbox').click();
    const all = api.total.toLocaleString('en');
    await expect(page.getByTestId('selected-count').textContent()).resolves.toBe(
      `${(api.total - 1).toLocaleString('en')} selected`,
    );
    await page.getByText(`All ${all} users matching this filter except 1 are selected.`).waitFor();
    await expect(selectionOf()).resolves.toEqual({
      filter: { roleIds: [roleId] },
      expectedCount: api.total,
      exceptIds: [firstId],
    });
    await screenshot(page, 'users-select-all-except-one');

    // The panel says what it acts on; a user who starts matching meanwhile makes the preview stale:
    // one way on, "Preview again", with the number the view matches now; Apply waits for it.
    await chooseOperation(page, 'Deactivate');
    const panel = page.getByRole('dialog');
    await panel.getByText(`All ${all} users matching this filter except 1`, { exact: true }).waitFor();
    await panel.getByTestId('bulk-preview').waitFor();
    // Deactivating 100 users or more asks for their number (confirmTypedCount).
    await confirmTypedCount(page);
    await server.testDb.db.insert(users).values({
      email: 'late.contributor@roster.test',
      roleId: roleId ?? '',
      status: 'active',
    });
    await panel.getByRole('button', { name: 'Apply' }).click();
    const notice = panel.getByTestId('selection-changed');
    await notice.getByText(`The view now matches ${(api.total + 1).toLocaleString('en')} users.`).waitFor();
    await expect(panel.getByRole('button', { name: 'Apply' }).isDisabled()).resolves.toBe(true);
    await screenshot(page, 'mass-operation-selection-changed');
    await notice.getByRole('button', { name: 'Preview again' }).click();
    await panel.getByTestId('bulk-preview').waitFor();
    await panel
      .getByText(`All ${(api.total + 1).toLocaleString('en')} users matching this filter except 1`, {
        exact: true,
      })
      .waitFor();
    // The users the filter matches now, less the one left out.
    const { counts } = await readPreview(page);
    expect((counts.change ?? 0) + (counts.skip ?? 0) + (counts.blocked ?? 0)).toBe(api.total);
    await confirmTypedCount(page);
    await expect(panel.getByRole('button', { name: 'Apply' }).isEnabled()).resolves.toBe(true);
    await panel.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Clear selection' }).click();
  });

  it('opens a user in the detail drawer', async () => {
    const first = rows().first();
    const email = await first.getAttribute('data-user-id');
    expect(email).toBeTruthy();
    await first.getByRole('button').first().click();
    const drawer = page.getByRole('dialog');
    await drawer.getByText('Module access', { exact: true }).waitFor();
    await drawer.getByText('Activity', { exact: true }).waitFor();
    await screenshot(page, 'user-drawer');
    await page.keyboard.press('Escape');
    // The drawer has its own URL: Escape navigates back to the list, and the drawer leaves after it.
    await drawer.waitFor({ state: 'detached' });
    await page.waitForURL((url) => url.pathname === '/admin/users');
  });

  it('keyboard: shift+arrows select a range; Escape gives focus back to the row or button that opened', async () => {
    await page.getByLabel('Search users').fill('');
    await page.waitForURL((url) => !url.searchParams.has('q'));
    await rows().first().waitFor();
    await expect(page.getByTestId('selection-bar').count()).resolves.toBe(0);
    // Shift+arrows from a focused row: the rows it passes are selected.
    await page.getByRole('button', { name: 'Sort by status' }).focus();
    await page.keyboard.press('Tab');
    await page.locator('[role="row"]:focus').waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await expect(page.getByTestId('selected-count').textContent()).resolves.toBe('3 selected');
    const ticked = await page
      .locator('[role="row"][data-user-id][aria-selected="true"]')
      .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-index'))));
    expect(ticked).toEqual([1, 2, 3]);
    // The drawer opened with Enter gives focus back to its row.
    const row = page.locator('[role="row"]:focus');
    const id = await row.getAttribute('data-user-id');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').getByText('Module access', { exact: true }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.locator(`[role="row"][data-user-id="${id}"]:focus`).waitFor();
    // The panel opened from the menu gives focus back to "Mass operation".
    await page.getByRole('button', { name: 'Mass operation' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'Assign role', exact: true }).waitFor();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').getByRole('heading', { name: 'Assign role' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.locator('[data-return-focus="mass-operation"]:focus').waitFor();
    await page.getByRole('button', { name: 'Clear selection' }).click();
  });

  it('"Mass operation" is there before any selection, and says users must be selected first', async () => {
    await page.getByTestId('no-selection-bar').getByRole('button', { name: 'Mass operation' }).click();
    await page.getByText('Select the users first', { exact: false }).waitFor();
    const items = page.getByRole('menuitem');
    await expect(items.count()).resolves.toBe(7);
    await expect(page.locator('[role="menuitem"][data-disabled]').count()).resolves.toBe(7);
    await screenshot(page, 'users-mass-operation-nothing-selected');
    await page.keyboard.press('Escape');
    // The bar offers the other way to select: every user of the view, as many as it counts.
    const selectAll = page.getByTestId('no-selection-bar').getByRole('button', { name: /^select all / });
    const words = (await selectAll.textContent()) ?? '';
    const matching = /^select all ([\d,]+) users?/.exec(words)?.[1] ?? '';
    expect(matching).not.toBe('');
    await selectAll.click();
    await expect(page.getByTestId('selected-count').textContent()).resolves.toBe(`${matching} selected`);
    await page.getByRole('button', { name: 'Clear selection' }).click();
  });

  it('says the list is updating while a search loads, instead of showing the old rows as its answer', async () => {
    // The answer is held back, so the old rows are on screen while it comes.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/trpc/users.list**', async (route) => {
      await held;
      await route.continue();
    });
    await page.getByLabel('Search users').fill('an');
    await page.getByTestId('users-updating').waitFor();
    await expect(page.getByRole('table', { name: 'Users' }).getAttribute('aria-busy')).resolves.toBe('true');
    // The old rows are not the new view's users: none of them can be ticked until its rows are in
    // (its count can come first, and "select loaded" then selected people no longer shown).
    const selectLoaded = page.getByRole('checkbox', { name: 'Select loaded users' });
    await expect(selectLoaded.isDisabled()).resolves.toBe(true);
    await expect(rows().first().getByRole('checkbox').isDisabled()).resolves.toBe(true);
    await rows().first().focus();
    await page.keyboard.press('Space');
    await expect(page.getByTestId('selection-bar').count()).resolves.toBe(0);
    await screenshot(page, 'users-updating');
    release();
    await page.getByTestId('users-updating').waitFor({ state: 'detached' });
    await expect(page.getByRole('table', { name: 'Users' }).getAttribute('aria-busy')).resolves.toBe('false');
    await expect(selectLoaded.isEnabled()).resolves.toBe(true);
    await page.unroute('**/trpc/users.list**');
  });

  it('says "Counting…" while a new view is counted, never the old number, and offers no "select all" until it is', async () => {
    const everyone = (await apiList({ limit: 1 })).total;
    // Every user, in the default order (the tests before leave a filter and a sort in the URL).
    const users = new URL(page.url());
    users.search = '';
    await page.goto(users.href);
    await page.getByText(`${everyone.toLocaleString('en')} users`, { exact: true }).waitFor();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const isCount = (url: URL) => url.pathname.includes('users.count');
    await page.route(isCount, async (route) => {
      await held;
      await route.continue();
    });
    try {
      await page.getByLabel('Search users').fill('an');
      const header = page.getByText('Counting…', { exact: true });
      await header.waitFor();
      await expect(page.getByText(/^[\d,]+ (matching )?users?$/).count()).resolves.toBe(0);
      await page.getByTestId('users-updating').waitFor({ state: 'detached' });
      await page.getByRole('checkbox', { name: 'Select loaded users' }).check();
      const selectAll = page.getByRole('button', { name: 'Counting the matching users…' });
      await expect(selectAll.isDisabled()).resolves.toBe(true);
      await screenshot(page, 'users-counting');
    } finally {
      release();
    }
    const matching = (await apiList({ limit: 1, filter: { search: 'an' } })).total;
    await page.getByText(`${matching.toLocaleString('en')} matching users`, { exact: true }).waitFor();
    await page
      .getByRole('button', { name: `Select all ${matching.toLocaleString('en')} users matching this filter` })
      .waitFor();
    await page.unroute(isCount);
    await page.getByRole('button', { name: 'Clear selection' }).click();
    await page.getByLabel('Search users').fill('');
    await page.getByText(`${everyone.toLocaleString('en')} users`, { exact: true }).waitFor();
  });

  it('says so when nothing matches', async () => {
    await page.getByLabel('Search users').fill('zzzz-nobody-zzzz');
    await page.getByText('No users match these filters').waitFor();
    await screenshot(page, 'users-empty');
  });
});

const USERS_PAGE = 100;
