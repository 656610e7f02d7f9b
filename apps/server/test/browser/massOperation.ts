import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { screenshot } from './browser';

/** The Users page and its mass-operation sheet, driven as an administrator uses them. */
export const search = async (page: Page, text: string) => {
  await page.getByLabel('Search users').fill(text);
  if (text) await page.waitForURL((url) => url.searchParams.get('q') === text);
  else await page.waitForURL((url) => !url.searchParams.has('q'));
};

export const rows = (page: Page) => page.locator('[role="row"][data-user-id]');

/** Searches for a test's users and ticks every one of them with the header checkbox. */
export async function selectGroup(page: Page, tag: string, expected: number) {
  await search(page, `${tag}-`);
  await page.getByText(`${expected} matching users`, { exact: true }).waitFor();
  await expect.poll(() => rows(page).count()).toBe(expected);
  await page.getByLabel('Select loaded users').click();
}

/** Ticks one more user found by a search (the selection is kept across searches). */
export async function selectOne(page: Page, email: string, id: string) {
  await search(page, email);
  await page.locator(`[role="row"][data-user-id="${id}"]`).waitFor();
  await page.getByLabel(`Select ${email}`).click();
}

export async function chooseOperation(page: Page, label: string, menuScreenshot?: string) {
  await page.getByRole('button', { name: 'Mass operation' }).click();
  if (menuScreenshot) await screenshot(page, menuScreenshot);
  await page.getByRole('menuitem', { name: label, exact: true }).click();
  await page.getByRole('dialog').getByRole('heading', { name: label }).waitFor();
}

export type PreviewRead = {
  decidedBy: string;
  counts: Record<string, number>;
  groups: Record<string, number>;
};

export async function readPreview(page: Page): Promise<PreviewRead> {
  const preview = page.getByTestId('bulk-preview');
  await preview.waitFor();
  const decidedBy = (await preview.getAttribute('data-decided-by')) ?? '';
  const counts: Record<string, number> = {};
  for (const outcome of ['change', 'skip', 'blocked']) {
    counts[outcome] = Number(await preview.getByTestId(`count-${outcome}`).getAttribute('data-count'));
  }
  const groups = await preview
    .getByTestId('preview-group')
    .evaluateAll((els) =>
      Object.fromEntries(
        els.map((el) => [el.getAttribute('data-group') ?? '', Number(el.getAttribute('data-count'))]),
      ),
    );
  return { decidedBy, counts, groups };
}

/**
 * Types the number an operation that locks many people out asks for (Deactivate over 100 users or
 * more), as shown in the panel; nothing when the panel does not ask.
 */
export async function confirmTypedCount(page: Page) {
  const asked = page.getByRole('dialog').getByTestId('count-confirmation');
  if ((await asked.count()) === 0) return;
  await asked.getByRole('textbox').fill((await asked.getAttribute('data-expected')) ?? '');
}

const TERMINAL = ['succeeded', 'completed_with_skips', 'failed', 'cancelled'];

/** Apply, then wait for the results; returns the operation id (which the URL carries). */
export async function applyAndWait(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.waitForURL((url) => url.searchParams.has('operation'));
  const id = new URL(page.url()).searchParams.get('operation') ?? '';
  await waitForResults(page, id);
  return id;
}

export async function waitForResults(page: Page, id: string) {
  const view = page.locator(`[data-testid="operation-view"][data-operation-id="${id}"]`);
  await expect
    .poll(async () => view.getAttribute('data-status'), { timeout: 30_000, interval: 200 })
    .toSatisfy((status: string | null) => status !== null && TERMINAL.includes(status));
  await page
    .getByTestId('result-row')
    .first()
    .waitFor()
    .catch(async (error: unknown) => {
      await screenshot(page, 'bulk-failure');
      throw error;
    });
}

/** Each user's outcome in the results list, as `change`, `skip:<reason>` or `blocked:<reason>`. */
export async function resultsByUser(page: Page): Promise<Record<string, string>> {
  return page.getByTestId('result-row').evaluateAll((els) =>
    Object.fromEntries(
      els.map((el) => {
        const outcome = el.getAttribute('data-outcome') ?? '';
        const reason = el.getAttribute('data-reason');
        return [el.getAttribute('data-user-id') ?? '', reason ? `${outcome}:${reason}` : outcome];
      }),
    ),
  );
}

/** The results, grouped as the preview grouped them. */
export function groupCounts(results: Record<string, string>): Record<string, number> {
  const groups: Record<string, number> = {};
  for (const group of Object.values(results)) groups[group] = (groups[group] ?? 0) + 1;
  return groups;
}

export async function closeSheet(page: Page) {
  await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).last().click();
  await page.waitForURL((url) => !url.searchParams.has('operation'));
  await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
  await search(page, '');
}
