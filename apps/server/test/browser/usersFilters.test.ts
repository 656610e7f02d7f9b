/**
 * The filters of issue 19 item 7 in the browser: last sign-in, created between (calendar days of the
 * administrator's time zone), e-mail domain and several rights, each changing the list and its exact
 * count, kept in the URL and cleared by its chip; and "select users from a pasted list of e-mails"
 * (the known ones selected, the unknown ones listed), its dialog checked with axe.
 */
import { queryRows, users } from '@roster/db';
import { selectionSchema } from '@roster/domain';
import { asc, type SQL, sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../../src/testing';
import { seriousViolations } from './axe';
import { screenshot } from './browser';
import { useAdminPage } from './fixture';

let server: TestServer;
let page: Page;
const TIME_ZONE = 'Europe/Paris';

// Not UTC: a day the administrator picks starts at their midnight.
useAdminPage({ seedUsers: 600, context: { timezoneId: TIME_ZONE } }, (opened) => ({ server, page } = opened));

async function countWhere(where: SQL): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    server.testDb.db,
    sql`select count(*)::int as n from users u where ${where}`,
  );
  return row?.n ?? 0;
}

const rows = () => page.locator('[role="row"][data-user-id]');
const allUsers = () => countWhere(sql`true`);

/** The header's exact count of the view, once counted. */
async function expectCount(n: number, filtered = true) {
  await page
    .getByText(`${n.toLocaleString('en')} ${filtered ? 'matching users' : 'users'}`, { exact: true })
    .waitFor();
}

async function expectNoSeriousViolations(what: string) {
  const violations = await seriousViolations(page);
  expect(violations, `${what}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
}

/** A filter behind the toolbar's "More filters" (issue 19 item 3): the panel is opened when it is closed. */
async function filterButton(name: RegExp) {
  const button = page.getByRole('button', { name });
  if (!(await button.isVisible())) await page.getByRole('button', { name: /^More filters/ }).click();
  return button;
}

/** Closes the "More filters" panel when it is open (Escape closes the innermost popover first). */
async function closeMoreFilters() {
  const panel = page.getByRole('dialog', { name: 'More filters' });
  if (!(await panel.isVisible())) return;
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
}

describe('Admin › Users: more filters', () => {
  it('last sign-in: never, then not in 30 days; in the URL; the chip clears it', async () => {
    await rows().first().waitFor();
    await expectCount(await allUsers(), false);
    const never = await countWhere(sql`u.last_login_at is null`);
    await (await filterButton(/^Filter by last sign-in/)).click();
    await page.getByRole('menuitemradio', { name: 'Never signed in' }).click();
    await page.waitForURL(/signin=never/);
    await expectCount(never);
    await (await filterButton(/^Filter by last sign-in/)).click();
    await page.getByRole('menuitemradio', { name: 'Not in 30 days' }).click();
    await page.waitForURL(/signin=30/);
    // The server's clock is the wall clock here: the seed's sign-ins are within the last 90 days.
    const old = await countWhere(sql`u.last_login_at < now() - interval '30 days'`);
    expect(old).toBeGreaterThan(0);
    await expectCount(old);
    await page.reload();
    await expectCount(old);
    await page.getByRole('button', { name: 'Clear Last sign-in: Not in 30 days' }).click();
    await page.waitForURL((url) => !url.search.includes('signin='));
    await expectCount(await allUsers(), false);
  });

  it('created between two days of the administrator’s calendar, the last day included', async () => {
    const [middle] = await server.testDb.db
      .select({ createdAt: users.createdAt })
      .from(users)
      .orderBy(asc(users.createdAt))
      .offset(300)
      .limit(1);
    if (!middle) throw new Error('no users');
    const day = (at: Date, days = 0) => new Date(at.getTime() + days * 86_400_000).toISOString().slice(0, 10);
    const from = day(middle.createdAt, -20);
    const to = day(middle.createdAt, 20);
    const expected = await countWhere(
      sql`u.created_at >= (${from}::date)::timestamp at time zone ${TIME_ZONE}
        and u.created_at < (${to}::date + 1)::timestamp at time zone ${TIME_ZONE}`,
    );
    expect(expected).toBeGreaterThan(0);
    await (await filterButton(/^Filter by created/)).click();
    await page.getByLabel('Created from').fill(from);
    await page.getByLabel('Created to').fill(to);
    await page.waitForURL(new RegExp(`from=${from}&to=${to}|to=${to}.*from=${from}`));
    await expectCount(expected);
    await expectNoSeriousViolations('the Created popover');
    await page.keyboard.press('Escape');
    await closeMoreFilters();
    await screenshot(page, 'users-filter-created');
    await page.getByRole('button', { name: /^Clear Created:/ }).click();
    await page.waitForURL((url) => !url.search.includes('from='));
    await expectCount(await allUsers(), false);

    // A day past the last one the server takes is not passed on: the field shows itself invalid.
    await (await filterButton(/^Filter by created/)).click();
    const createdTo = page.getByLabel('Created to');
    await createdTo.click();
    await createdTo.fill('9999-12-31');
    expect(await page.locator('input[aria-label="Created to"]:invalid').count()).toBe(1);
    await page.waitForTimeout(300);
    expect(new URL(page.url()).searchParams.get('to')).toBeNull();
    await createdTo.fill('');
    await page.keyboard.press('Escape');
    await closeMoreFilters();
    await expectCount(await allUsers(), false);
  });

  it('e-mail domain: exact, any case; a wrong one is refused in the popover', async () => {
    await (await filterButton(/^Filter by e-mail domain/)).click();
    const input = page.getByRole('textbox', { name: 'E-mail domain' });
    await input.fill('globex example');
    await input.press('Enter');
    await page.getByText(/An e-mail domain is written like acme\.com/).waitFor();
    await input.fill('@GLOBEX.example');
    await input.press('Enter');
    await page.waitForURL(/domain=globex\.example/);
    await expectCount(await countWhere(sql`u.email like '%@globex.example'`));
    await page.keyboard.press('Escape');
    await closeMoreFilters();
    const texts = await rows().evaluateAll((els) => els.map((el) => el.textContent ?? ''));
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) expect(text).toContain('@globex.example');
    await page.getByRole('button', { name: 'Clear E-mail domain: globex.example' }).click();
    await page.waitForURL((url) => !url.search.includes('domain='));
  });

  it('rights: any of several', async () => {
    await (await filterButton(/^Filter by rights/)).click();
    await page.getByRole('menuitemcheckbox', { name: 'Buyer' }).click();
    await page.waitForURL(/rights=buyer/);
    await expectCount(
      await countWhere(
        sql`exists (select 1 from user_rights r where r.user_id = u.id and r.right = 'buyer')`,
      ),
    );
    await page.getByRole('menuitemcheckbox', { name: 'Data export' }).click();
    await page.waitForURL(/rights=buyer%2Cdata_export|rights=buyer,data_export/);
    const either = await countWhere(
      sql`exists (select 1 from user_rights r where r.user_id = u.id and r.right in ('buyer', 'data_export'))`,
    );
    await expectCount(either);
    await expectNoSeriousViolations('the Rights menu');
    await page.keyboard.press('Escape');
    await closeMoreFilters();
    await page.getByRole('button', { name: /^Clear Any of the rights:/ }).click();
    await page.waitForURL((url) => !url.search.includes('rights='));
    await expectCount(await allUsers(), false);
  });

  it('selects the users of a pasted list and lists the e-mails that match no user', async () => {
    const known = await server.testDb.db
      .select({ id: users.id, email: users.email })
      .from(users)
      .orderBy(asc(users.email))
      .offset(100)
      .limit(3);
    const [a, b, c] = known;
    if (!a || !b || !c) throw new Error('no users');
    const pasted = [
      `"Someone" <${a.email.toUpperCase()}>`,
      `${b.email}; nobody.here@nowhere.example`,
      `${c.email}, ${a.email}`,
      'ghost@nowhere.example',
    ].join('\n');
    await page.getByRole('button', { name: 'Select from a list…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Select users from a list of e-mails' });
    await dialog.getByLabel('E-mail addresses').fill(pasted);
    await dialog.getByText('5 addresses read, 1 repeated.').waitFor();
    await expectNoSeriousViolations('the pasted-list dialog');
    await dialog.getByRole('button', { name: 'Select these users' }).click();
    await dialog.getByText('3 users found and selected.').waitFor();
    await dialog.getByText('2 e-mails match no user:').waitFor();
    await expect(dialog.getByTestId('pasted-unknown').locator('li').allTextContents()).resolves.toEqual([
      'nobody.here@nowhere.example',
      'ghost@nowhere.example',
    ]);
    await expectNoSeriousViolations('the pasted-list dialog with its answer');
    await screenshot(page, 'users-pasted-list');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('selected-count').getByText('3 selected').waitFor();
    const selection = selectionSchema.parse(
      JSON.parse((await page.getByTestId('selection-bar').getAttribute('data-selection')) ?? 'null'),
    );
    expect('ids' in selection ? [...selection.ids].sort() : selection).toEqual([a.id, b.id, c.id].sort());
  });
});
