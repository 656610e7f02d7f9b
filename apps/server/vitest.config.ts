import { defineConfig } from 'vitest/config';
import { databaseTestConfig } from '../../packages/db/src/testing/vitestConfig.ts';

export default defineConfig({
  test: {
    ...databaseTestConfig,
    globalSetup: [...databaseTestConfig.globalSetup, './test/browser/globalSetup.ts'],
    include: ['test/**/*.test.ts'],
  },
});
