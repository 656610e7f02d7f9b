import { fileURLToPath } from 'node:url';

/** The vitest settings every package with database tests shares. */
export const databaseTestConfig = {
  globalSetup: [fileURLToPath(new URL('./globalSetup.ts', import.meta.url))],
  // A PGlite clone takes ~1.5 s, more under load.
  hookTimeout: 60_000,
  testTimeout: 30_000,
};
