// Plain JavaScript so that the other packages' vitest configs can import it through the package's
// exports (`@roster/db/vitest-config`): vitest loads a config's imports from node_modules with Node
// itself, which does not read TypeScript.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The vitest settings every package with database tests shares. */
export const databaseTestConfig = {
  globalSetup: [fileURLToPath(new URL('./src/testing/globalSetup.ts', import.meta.url))],
  // A PGlite clone takes ~1.5 s, more under load.
  hookTimeout: 60_000,
  testTimeout: 30_000,
  // A worker a core (vitest's default leaves one core to itself: one worker on a 2-core machine).
  // A test file is mostly one thread (the embedded database runs in the worker), so with one worker
  // half of such a machine sat idle: on the embedded database the API's tests took 353 s with one
  // worker and 234 s with two, the server's (browser tests included) 653 and 528 s. At most four: on
  // PostgreSQL a file holds about 11 connections (a server's pool and its own), some files more,
  // within the server's default max_connections of 100.
  maxWorkers: Math.min(availableParallelism(), 4),
  // A worker runs its test files one after another in one module registry: each file still opens a
  // database of its own (a harness per file), but the modules, PGlite's WebAssembly among them, are
  // loaded once per worker, not once per file. The API's tests on the embedded database: 235 s
  // (449 CPU-s) isolated, 178 s (310 CPU-s) not. A file that mocks a module runs isolated
  // (a project of its own in its package's config).
  isolate: false,
};
