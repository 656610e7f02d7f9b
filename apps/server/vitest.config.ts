import { databaseTestConfig } from '@roster/db/vitest-config';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    ...databaseTestConfig,
    globalSetup: [...databaseTestConfig.globalSetup, './test/browser/globalSetup.ts'],
    include: ['test/**/*.test.ts'],
    // The browser tests wait for what a person would see; on a loaded 2-core CI machine a page
    // with 50,000 users takes more than vitest's default second to get there.
    expect: { poll: { timeout: 15_000 } },
  },
});
