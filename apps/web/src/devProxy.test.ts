import { describe, expect, it } from 'vitest';
import config, { SERVER_PATHS } from '../vite.config';

/** `pnpm dev`: the app's URL (port 5173) is the one people and identity providers are given. */
describe('the dev server', () => {
  it('hands every path the API server answers to it, SCIM included', () => {
    const proxy = Object.keys(config.server?.proxy ?? {});
    expect(proxy).toEqual([...SERVER_PATHS]);
    for (const path of [
      '/trpc/users.list',
      '/api/users/export.csv',
      '/api/bulk-operations/0195/results.csv',
      '/scim/v2/Users',
      '/scim/v2/ServiceProviderConfig',
      '/healthz',
      '/readyz',
    ]) {
      expect(
        proxy.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)),
        path,
      ).toBe(true);
    }
    for (const appPath of ['/admin/users', '/invite/abc', '/sign-in', '/welcome']) {
      expect(
        proxy.some((prefix) => appPath.startsWith(prefix)),
        appPath,
      ).toBe(false);
    }
  });
});
