import { readFile } from 'node:fs/promises';
import { moduleAccess, roles, users } from '@roster/db';
import { eq, inArray, like } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../src/testing';
import { screenshot } from './browser';
import { filesOnDisk } from './filesOnDisk';
import { useAdminPage } from './fixture';
import { search } from './massOperation';

let server: TestServer;
let page: Page;
let files: Awaited<ReturnType<typeof filesOnDisk>>;

async function prepare({ testDb: { db } }: TestServer) {
  const [reader] = await db.select({ id: roles.id }).from(roles).where(eq(roles.name, 'Reader'));
  const [source] = await db
    .insert(users)
    .values([
      { email: 'imp-source@fixture.example', status: 'active', roleId: reader?.id ?? '' },
      { email: 'imp-taken@fixture.example', status: 'active', roleId: reader?.id ?? '' },
    ])
    .returning({ id: users.id });
  await db.insert(moduleAccess).values({ userId: source?.id ?? '', module: 'portfolio', level: 'edit' });
}

useAdminPage(
  { prepare, viewport: { width: 1440, height: 1000 }, next: '/admin/import' },
  (opened) => ({ server, page } = opened),
);
beforeAll(async () => {
  files = await filesOnDisk();
});
afterAll(() => files?.remove());

// Semicolons, a BOM, capitals and spaces in e-mails, a quoted name with a semicolon, and bad rows.
const FILE = `\uFEFFE-mail;First name;Last name;Role;copy_access_from
imp-ada@fixture.example;Ada;Lovelace;Project manager;
 IMP-Alan@Fixture.example ;Alan;"Turing; OBE";;imp-source@fixture.example
imp-taken@fixture.example;Taken;Already;;
imp-ada@fixture.example;Ada;Again;;
not-an-email;Bad;Row;;
imp-nobody@fixture.example;No;Role;Astronaut;
=HYPERLINK("http://evil.example");Formula;Cell;;
`;

describe('Admin › Import', () => {
  it('previews a file row by row, offers the errors, creates the valid users and shows the results', async () => {
    // The server's check is held back until the browser's own verdicts have been read.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/trpc/imports.preview**', async (route) => {
      await held;
      await route.continue();
    });
    await page.getByLabel('CSV file').setInputFiles(await files.write('new-people.csv', FILE));
    const preview = page.getByTestId('import-preview');
    const count = async (outcome: string) =>
      Number(await preview.getByTestId(`count-${outcome}`).getAttribute('data-count'));
    // At once: the file's own rules (the duplicate, the two bad e-mails); nothing to commit yet.
    await page.locator('[data-testid="import-preview"][data-checked="file"]').waitFor();
    await page.getByTestId('import-file-verdicts').waitFor();
    expect([await count('create'), await count('skip'), await count('error')]).toEqual([4, 1, 2]);
    expect(await page.getByRole('button', { name: /^Create / }).count()).toBe(0);
    await screenshot(page, 'import-file-verdicts');
    release();

    // Then the database's: the e-mail taken and the unknown role.
    await page.locator('[data-testid="import-preview"][data-checked="server"]').waitFor();
    await page.unroute('**/trpc/imports.preview**');
    expect(await page.getByTestId('import-file-verdicts').count()).toBe(0);
    expect([await count('create'), await count('skip'), await count('error')]).toEqual([2, 2, 3]);
    const verdicts = await page
      .getByTestId('import-row')
      .evaluateAll((els) =>
        els.map((el) => `${el.getAttribute('data-line')}:${el.getAttribute('data-reason')}`),
      );
    expect(verdicts).toEqual([
      '4:already_exists',
      '5:duplicate_in_file',
      '6:invalid_email',
      '7:unknown_role',
      '8:invalid_email',
    ]);
    await page.getByText('No role is named “Astronaut”.').waitFor();
    await page.getByText('The same e-mail is already on line 2.').waitFor();
    await screenshot(page, 'import-preview');

    // The rows not created, as a CSV to fix and upload again; the formula comes back escaped.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download rows not created (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('new-people-errors.csv');
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toContain('line,email');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(csv).not.toMatch(/(^|[,;])"?=HYPERLINK/m);

    // Nothing exists before the commit.
    const created = () =>
      server.testDb.db
        .select()
        .from(users)
        .where(inArray(users.email, ['imp-ada@fixture.example', 'imp-alan@fixture.example']));
    expect(await created()).toEqual([]);

    await page.getByLabel('Invite the new users now').check();
    await page.getByRole('button', { name: 'Create 2 users' }).click();
    await page.waitForURL(/\/admin\/operations\/[0-9a-f-]{36}$/);
    const view = page.getByTestId('operation-view');
    await expect
      .poll(() => view.getAttribute('data-status'), { timeout: 30_000 })
      .toBe('completed_with_skips');
    await page.getByTestId('result-row').first().waitFor();
    // An import counts rows, not all of them users.
    await page.getByText('All 7 rows').waitFor();
    await page.getByText('2 created, 2 skipped, 3 not created of 7 rows.').waitFor();
    await screenshot(page, 'import-results');
    const results = await page
      .getByTestId('result-row')
      .evaluateAll((els) =>
        els.map((el) => `${el.getAttribute('data-outcome')}:${el.getAttribute('data-reason') ?? ''}`),
      );
    expect(results.sort()).toEqual(
      [
        'change:',
        'change:',
        'skip:already_exists',
        'skip:duplicate_in_file',
        'blocked:invalid_email',
        'blocked:unknown_role',
        'blocked:invalid_email',
      ].sort(),
    );

    const made = new Map((await created()).map((u) => [u.email, u]));
    expect(made.get('imp-ada@fixture.example')).toMatchObject({ status: 'invited', firstName: 'Ada' });
    expect(made.get('imp-alan@fixture.example')).toMatchObject({
      status: 'invited',
      lastName: 'Turing; OBE',
    });
    const copied = await server.testDb.db
      .select()
      .from(moduleAccess)
      .where(eq(moduleAccess.userId, made.get('imp-alan@fixture.example')?.id ?? ''));
    expect(copied.map((a) => [a.module, a.level])).toEqual([['portfolio', 'edit']]);

    // The new users are in the table.
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Users' }).click();
    await search(page, 'imp-a');
    const rows = page.locator('[role="row"][data-user-id]');
    await expect.poll(() => rows.count()).toBe(2);
    await expect
      .poll(() => rows.allTextContents())
      .toEqual([expect.stringContaining('Ada Lovelace'), expect.stringContaining('Alan Turing; OBE')]);
    await screenshot(page, 'import-users');
    expect(await server.testDb.db.select().from(users).where(like(users.email, '%hyperlink%'))).toEqual([]);
  });

  it('refuses a file that is not UTF-8, and one with no e-mail column until a column is chosen', async () => {
    await page.goto(`${server.url}/admin/import`);
    const latin1 = Uint8Array.from([
      0x65, 0x6d, 0x61, 0x69, 0x6c, 0x0a, 0x6a, 0xe9, 0x40, 0x78, 0x2e, 0x69, 0x6f, 0x0a,
    ]);
    await page.getByLabel('CSV file').setInputFiles(await files.write('latin1.csv', latin1));
    await page.getByRole('alert').filter({ hasText: 'UTF-8' }).waitFor();

    await page
      .getByLabel('CSV file')
      .setInputFiles(
        await files.write('odd-headers.csv', 'Courriel,Prénom\nimp-claude@fixture.example,Claude\n'),
      );
    await page.getByRole('alert').filter({ hasText: 'email' }).waitFor();
    await screenshot(page, 'import-mapping');
    await page.getByLabel('Column for email').selectOption({ label: 'Courriel' });
    await page.getByLabel('Column for first_name').selectOption({ label: 'Prénom' });
    const preview = page.locator('[data-testid="import-preview"][data-checked="server"]');
    await preview.waitFor();
    expect(await preview.getByTestId('count-create').getAttribute('data-count')).toBe('1');
  });

  it('shows a line with an unbalanced quote as an error on its line, says the file has more lines than rows, and does not create it', async () => {
    await page.goto(`${server.url}/admin/import`);
    // 12 data lines (2 to 13); the quote opened on line 6 is only closed at the end of line 7.
    const lines = ['email,first_name,last_name'];
    for (let i = 2; i <= 13; i++) lines.push(`imp-quote-${i}@fixture.example,Quote,Line ${i}`);
    lines[5] = 'imp-quote-6@fixture.example,"Quote,Line 6';
    lines[6] = 'imp-quote-7@fixture.example,Quote,"Line 7"';
    await page.getByLabel('CSV file').setInputFiles(await files.write('quotes.csv', `${lines.join('\n')}\n`));

    const preview = page.locator('[data-testid="import-preview"][data-checked="server"]');
    await preview.waitFor();
    await page.getByTestId('import-file').filter({ hasText: '11 rows' }).waitFor();
    expect(await page.getByTestId('import-line-count-notice').textContent()).toBe(
      'This file has 12 lines under its header but 11 rows: lines 6–7 were read as one row (a quoted value runs over them). Check the quotation marks on line 6.',
    );
    expect([
      await preview.getByTestId('count-create').getAttribute('data-count'),
      await preview.getByTestId('count-error').getAttribute('data-count'),
    ]).toEqual(['10', '1']);
    const broken = page.locator('[data-testid="import-row"][data-line="6"]');
    expect(await broken.getAttribute('data-reason')).toBe('misplaced_quote');
    await broken
      .getByText(
        'A quotation mark on this line is misplaced, so the lines after it, up to line 7, were read into this row. Check its quotation marks.',
      )
      .waitFor();
    await screenshot(page, 'import-quote-error');

    await page.getByRole('button', { name: 'Create 10 users' }).click();
    await page.waitForURL(/\/admin\/operations\/[0-9a-f-]{36}$/);
    await expect
      .poll(() => page.getByTestId('operation-view').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('completed_with_skips');
    await page.locator('[data-testid="result-row"][data-reason="misplaced_quote"]').waitFor();
    const made = await server.testDb.db.select().from(users).where(like(users.email, 'imp-quote-%'));
    expect(made.map((u) => u.email).sort()).toEqual(
      [2, 3, 4, 5, 8, 9, 10, 11, 12, 13].map((i) => `imp-quote-${i}@fixture.example`).sort(),
    );
  });

  it('parses a large file in a worker and previews every row; refuses a file over 20 MB', async () => {
    await page.goto(`${server.url}/admin/import`);
    const workers: string[] = [];
    page.on('worker', (worker) => workers.push(worker.url()));
    // About 700 KB: over the size the page parses in a worker. Large files go by path (filesOnDisk).
    const lines = ['email,first_name,last_name'];
    for (let i = 0; i < 12_000; i++) lines.push(`imp-worker-${i}@fixture.example,Worker,Number ${i}`);
    await page.getByLabel('CSV file').setInputFiles(await files.write('many.csv', `${lines.join('\n')}\n`));
    const preview = page.locator('[data-testid="import-preview"][data-checked="server"]');
    await preview.waitFor({ timeout: 30_000 });
    expect(await preview.getByTestId('count-create').getAttribute('data-count')).toBe('12000');
    expect(workers.some((url) => url.includes('parseImportFile.worker'))).toBe(true);
    await page.getByTestId('import-file').filter({ hasText: '12,000 rows' }).waitFor();

    const huge = await files.write('huge.csv', new Uint8Array(20 * 1024 * 1024 + 1).fill(0x61));
    await page.getByLabel('CSV file').setInputFiles(huge);
    await page.getByRole('alert').filter({ hasText: '20 MB' }).waitFor();
    expect(await page.getByTestId('import-preview').count()).toBe(0);
  });
});
