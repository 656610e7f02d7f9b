import { databaseTestConfig } from '@roster/db/vitest-config';
import { defineConfig } from 'vitest/config';

// Each test runs the real CLI, compiled once by the global setup, as a child process, some several times.
export default defineConfig({
  test: {
    ...databaseTestConfig,
    globalSetup: [...databaseTestConfig.globalSetup, './test/globalSetup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 90_000,
  },
});
