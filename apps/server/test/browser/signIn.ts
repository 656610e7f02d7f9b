import type { Page } from 'playwright-core';
import { TEST_ADMIN } from '../../src/testing';

/** Signs in through the sign-in page, as a person would, and waits for the Admin frame. */
export async function signInAsAdmin(page: Page, baseUrl: string, next = '/admin/users'): Promise<void> {
  await page.goto(`${baseUrl}/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('E-mail').fill(TEST_ADMIN.email);
  await page.getByLabel('Password').fill(TEST_ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Admin' }).waitFor();
}
