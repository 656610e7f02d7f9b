import { databaseTestConfig } from '@roster/db/vitest-config';
import { defineConfig } from 'vitest/config';

// Each test runs the real CLI as a child process (about a second apiece), some several times.
export default defineConfig({
  test: { ...databaseTestConfig, include: ['test/**/*.test.ts'], testTimeout: 90_000 },
});
