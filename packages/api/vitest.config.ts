import { databaseTestConfig } from '@roster/db/vitest-config';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Test files that replace a module with `vi.mock`: they need a module registry of their own, so they
 * run isolated; every other file shares its worker's modules with the files before it (`isolate:
 * false` in `databaseTestConfig`).
 */
const MOCKING_MODULES = ['test/outputs.contract.test.ts', 'test/auth.signInWork.test.ts'];

export default defineConfig({
  test: {
    ...databaseTestConfig,
    projects: [
      {
        extends: true,
        test: {
          name: 'api',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...MOCKING_MODULES],
        },
      },
      { extends: true, test: { name: 'api (modules mocked)', include: MOCKING_MODULES, isolate: true } },
    ],
  },
});
