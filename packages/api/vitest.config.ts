import { databaseTestConfig } from '@roster/db/vitest-config';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Test files that replace a module with `vi.mock`: they need a module registry of their own, so they
 * run isolated; every other file shares its worker's modules with the files before it (`isolate:
 * false` in `databaseTestConfig`).
 */
const MOCKING_MODULES = ['test/outputs.contract.test.ts', 'test/auth.signInWork.test.ts'];

// The database template is made once, by the root's global setup: a project that extended the root
// config would run it again (each made its own template, 5–8 s on the embedded database).
const { globalSetup, ...shared } = databaseTestConfig;

export default defineConfig({
  test: {
    globalSetup,
    projects: [
      {
        test: {
          ...shared,
          name: 'api',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...MOCKING_MODULES],
        },
      },
      { test: { ...shared, name: 'api (modules mocked)', include: MOCKING_MODULES, isolate: true } },
    ],
  },
});
