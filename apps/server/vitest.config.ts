import { databaseTestConfig } from '@roster/db/vitest-config';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The browser tests drive the web app as a person meets it on the default install, the embedded
 * database. With `DATABASE_URL` set they are left out (the API and HTTP tests run on both databases,
 * and the web app sees the same API whichever is behind it), unless `ROSTER_BROWSER_TESTS=all`: they
 * were three quarters of the server's tests, ~8 of CI's minutes a database.
 */
const browserTestsLeftOut = Boolean(process.env.DATABASE_URL) && process.env.ROSTER_BROWSER_TESTS !== 'all';

export default defineConfig({
  test: {
    ...databaseTestConfig,
    globalSetup: [
      ...databaseTestConfig.globalSetup,
      ...(browserTestsLeftOut ? [] : ['./test/browser/globalSetup.ts']),
    ],
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(browserTestsLeftOut ? ['test/browser/**'] : [])],
    // The browser tests wait for what a person would see; on a loaded 2-core CI machine a page
    // with 50,000 users takes more than vitest's default second to get there.
    expect: { poll: { timeout: 15_000 } },
  },
});
