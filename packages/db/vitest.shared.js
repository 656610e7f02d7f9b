// Plain JavaScript so that the other packages' vitest configs can import it through the package's
// exports (`@roster/db/vitest-config`): vitest loads a config's imports from node_modules with Node
// itself, which does not read TypeScript.
import { fileURLToPath } from 'node:url';

/** The vitest settings every package with database tests shares. */
export const databaseTestConfig = {
  globalSetup: [fileURLToPath(new URL('./src/testing/globalSetup.ts', import.meta.url))],
  // A PGlite clone takes ~1.5 s, more under load.
  hookTimeout: 60_000,
  testTimeout: 30_000,
};
