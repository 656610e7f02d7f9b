/**
 * Users page › Export CSV, in Chromium: the downloaded file of a filtered, sorted view with a chosen
 * column, and of a selection, checked against the database; the menu passes axe.
 */
import { readFile } from 'node:fs/promises';
import { queryRows } from '@roster/db';
import { csvRow } from '@roster/domain';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../../src/testing';
import { seriousViolations } from './axe';
import { screenshot } from './browser';
import { useAdminPage } from './fixture';

let server: TestServer;
let page: Page;

useAdminPage({ seedUsers: 600, context: { acceptDownloads: true } }, (opened) => ({ server, page } = opened));

const rows = () => page.locator('[role="row"][data-user-id]');

/** Clicks what starts the download and reads the file the browser saved. */
async function download(start: () => Promise<void>): Promise<{ name: string; lines: string[] }> {
  const [file] = await Promise.all([page.waitForEvent('download'), start()]);
  const path = await file.path();
  return {
    name: file.suggestedFilename(),
    lines: (await readFile(path, 'utf8')).split('\r\n').slice(0, -1),
  };
}

const USER = sql`users u join roles r on r.id = u.role_id`;

describe('Admin › Users › Export CSV', () => {
  it('downloads the filtered view in its sort, with the columns shown, as the database has it', async () => {
    // Active users, sorted by e-mail descending, with the Created column added.
    await page.goto(`${server.url}/admin/users?status=active&sort=email&dir=desc`);
    await rows().first().waitFor();
    await page.getByRole('button', { name: 'Columns' }).click();
    await page.getByRole('menuitemcheckbox', { name: 'Created' }).click();
    await page.keyboard.press('Escape');
    const file = await download(() => page.getByRole('link', { name: 'Export CSV' }).click());
    expect(file.name).toMatch(/^users-\d{4}-\d\d-\d\d-\d{4}\.csv$/);
    expect(file.lines[0]).toBe('First name,Last name,E-mail,Role,Status,Module access,Created');
    const expected = await queryRows<{
      first_name: string;
      last_name: string;
      email: string;
      role: string;
      created_at: string;
    }>(
      server.testDb.db,
      sql`select u.first_name, u.last_name, u.email, r.name as role,
            to_char(u.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at
          from ${USER} where u.status = 'active' order by u.email desc`,
    );
    expect(expected.length).toBeGreaterThan(100);
    const cells = file.lines.slice(1).map((line) => line.split(','));
    expect(cells.map((c) => c[2])).toEqual(expected.map((u) => csvRow([u.email]).slice(0, -2)));
    expect(cells.map((c) => c[3])).toEqual(expected.map((u) => u.role));
    expect(new Set(cells.map((c) => c[4]))).toEqual(new Set(['Active']));
    expect(cells.map((c) => c.at(-1))).toEqual(expected.map((u) => u.created_at));
    // Put the column choice back for the next test.
    await page.getByRole('button', { name: /Columns/ }).click();
    await page.getByRole('menuitemcheckbox', { name: 'Created' }).click();
    await page.keyboard.press('Escape');
  });

  it('offers the selection when users are selected, and downloads exactly them', async () => {
    await page.goto(`${server.url}/admin/users?sort=email`);
    await rows().first().waitFor();
    const ticked: string[] = [];
    for (const index of [0, 2, 3]) {
      const row = rows().nth(index);
      ticked.push((await row.getAttribute('data-user-id')) ?? '');
      await row.getByRole('checkbox').click();
    }
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const menu = page.getByRole('menu');
    await menu.waitFor();
    expect(await seriousViolations(page), 'axe on the Export CSV menu').toEqual([]);
    await screenshot(page, 'users-export-menu');
    const file = await download(() => menu.getByRole('menuitem', { name: 'The 3 selected users' }).click());
    const expected = await queryRows<{ email: string }>(
      server.testDb.db,
      sql`select u.email from ${USER} where u.id = any(${`{${ticked.join(',')}}`}::uuid[]) order by u.email`,
    );
    expect(expected).toHaveLength(3);
    expect(file.lines.slice(1).map((line) => line.split(',')[2])).toEqual(expected.map((u) => u.email));
  });
});
