/**
 * The Users toolbar at the widths administrators use (issue 19 item 3): search, status, role and
 * "Invitation expired" inline, the other filters behind "More filters (n)", so the toolbar takes one
 * row at 1440 px and at most two at 1024 px; a filter set behind it stays in sight as a chip; all of
 * it by keyboard, focus given back; axe finds nothing serious with the popover open.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './axe';
import { screenshot } from './browser';
import { useAdminPage } from './fixture';

let page: Page;

useAdminPage({ seedUsers: 200 }, (opened) => ({ page } = opened));

const toolbar = () => page.getByRole('search', { name: 'Filter users' });
const moreFilters = () => toolbar().getByRole('button', { name: /^More filters/ });

/** How many rows the toolbar's controls take (the chips' own row left out). */
async function controlRows(): Promise<number> {
  const tops = await toolbar()
    .locator(':scope > *')
    .evaluateAll((children) =>
      children
        .filter((child) => !child.querySelector('[aria-label="Active filters"]'))
        .map((child) => Math.round(child.getBoundingClientRect().top)),
    );
  return new Set(tops).size;
}

/** Opens More filters, then its "Created between" popover. */
async function openCreatedFilter() {
  await moreFilters().click();
  await page
    .getByRole('dialog', { name: 'More filters' })
    .getByRole('button', { name: /^Filter by created/ })
    .click();
}

const isFocused = () => moreFilters().evaluate((el) => el.matches(':focus'));

async function expectNoSeriousViolations(what: string) {
  const violations = await seriousViolations(page);
  expect(violations, `${what}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
}

describe('Admin › Users: the toolbar fits', () => {
  it('takes one row at 1440 px, the secondary filters behind More filters', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.locator('[role="row"][data-user-id]').first().waitFor();
    await expect(controlRows()).resolves.toBe(1);
    for (const inline of [/^Filter by status/, /^Filter by role/, /^Invitation expired$/]) {
      await expect(toolbar().getByRole('button', { name: inline }).isVisible()).resolves.toBe(true);
    }
    await expect(page.getByRole('button', { name: /^Filter by last sign-in/ }).count()).resolves.toBe(0);
    await screenshot(page, 'users-toolbar-1440');
  });

  it('is worked by keyboard: More filters, a filter, its chip, focus back, the count on the button', async () => {
    await page.getByLabel('Search users').focus();
    // Search, Status, Role, Invitation expired, More filters.
    for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
    await expect(isFocused()).resolves.toBe(true);
    await page.keyboard.press('Enter');
    const panel = page.getByRole('dialog', { name: 'More filters' });
    await panel.waitFor();
    await expectNoSeriousViolations('the More filters popover');
    await screenshot(page, 'users-toolbar-more-filters-1440');

    await panel.getByRole('button', { name: /^Filter by last sign-in/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menuitemradio', { name: 'Never signed in' }).waitFor();
    await page.getByRole('menuitemradio', { name: 'Never signed in' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('signin')).toBe('never');
    // The menu closes with Escape, then the panel: focus goes back to what opened each.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    // (Polled: the page renders the URL's new filter a moment after it changed, later on a busy machine.)
    await expect.poll(isFocused).toBe(true);

    await expect.poll(() => moreFilters().textContent()).toBe('More filters (1)');
    // A filter on does not push the row onto a second one; its chip has a row of its own.
    const chip = page
      .getByRole('list', { name: 'Active filters' })
      .getByText('Last sign-in: Never signed in');
    await chip.waitFor();
    await expect.poll(controlRows).toBe(1);
    await page.getByRole('button', { name: 'Clear Last sign-in: Never signed in' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('signin')).toBe(null);
    await expect.poll(() => moreFilters().textContent()).toBe('More filters');
  });

  it('created between is one range of two days, each bounded by the other, both kept when typed at once', async () => {
    await openCreatedFilter();
    const from = page.getByLabel('Created from');
    const to = page.getByLabel('Created to');
    // Both days entered in one task, before the page renders again: what a busy machine does to two
    // quick entries. The second change must not be made to the view the first one replaced.
    await page.getByRole('dialog', { name: 'Created between' }).evaluate((popover) => {
      const enter = (name: string, day: string) => {
        const input = popover.querySelector(`input[aria-label="${name}"]`);
        if (!input) throw new Error(`No input ${name}`);
        // The input's own value setter (React's is on the element), then the event React listens to.
        Object.getOwnPropertyDescriptor(Object.getPrototypeOf(input), 'value')?.set?.call(input, day);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      };
      enter('Created from', '2026-03-01');
      enter('Created to', '2026-03-31');
    });
    await expect.poll(() => from.getAttribute('max')).toBe('2026-03-31');
    await expect.poll(() => to.getAttribute('min')).toBe('2026-03-01');
    await expect.poll(() => new URL(page.url()).searchParams.get('from')).not.toBe(null);
    await expect.poll(() => new URL(page.url()).searchParams.get('to')).not.toBe(null);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: /^Clear Created:/ }).waitFor();
  });

  it('takes at most two rows at 1024 px, with a filter on, its chip in sight', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.getByRole('button', { name: /^Clear Created:/ }).waitFor();
    await expect.poll(controlRows).toBeLessThanOrEqual(2);
    await expect.poll(() => moreFilters().textContent()).toBe('More filters (1)');
    // The table starts in the upper half of the screen.
    const header = await page.getByRole('columnheader').first().boundingBox();
    expect(header?.y ?? Number.POSITIVE_INFINITY).toBeLessThan(384);
    await screenshot(page, 'users-toolbar-1024');
    await expectNoSeriousViolations('the toolbar at 1024 px');
  });

  it('lays the chips of two filters side by side at 1024 px, under the toolbar and the list tools', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    const url = new URL(page.url());
    url.searchParams.set('domain', 'globex.example');
    await page.goto(url.toString());
    const chips = page.getByRole('list', { name: 'Active filters' }).getByRole('listitem');
    await expect.poll(() => chips.count()).toBe(2);
    const tops = await chips.evaluateAll((items) =>
      items.map((item) => Math.round(item.getBoundingClientRect().top)),
    );
    expect(new Set(tops).size).toBe(1);
    await screenshot(page, 'users-toolbar-1024-two-chips');
    await page.getByRole('button', { name: 'Clear E-mail domain: globex.example' }).click();
    await expect.poll(() => chips.count()).toBe(1);
    await expect.poll(() => new URL(page.url()).searchParams.get('domain')).toBe(null);
    expect(new URL(page.url()).searchParams.get('from')).not.toBe(null);
  });

  it('takes a day typed on the keyboard, the year digit by digit', async () => {
    await openCreatedFilter();
    const from = page.getByLabel('Created from');
    // Month, day, then the year's four digits (the browser reports 0002-…, 0020-…, 0202-… on the way).
    await from.focus();
    await page.keyboard.type('02152026', { delay: 40 });
    await expect.poll(() => from.inputValue()).toBe('2026-02-15');
    await expect.poll(() => new URL(page.url()).searchParams.get('from')).toBe('2026-02-15');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
  });
});
