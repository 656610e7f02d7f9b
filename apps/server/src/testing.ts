import type { Writable } from 'node:stream';
import { defaultApiConfig, ensureBootstrapAdmin, startBulkRunner } from '@roster/api';
import { createTestDb, type TestDb } from '@roster/db/testing';
import { buildServer } from './buildServer';
import type { TrustProxy } from './config';
import type { RequestLimits } from './requestLimiter';

export const TEST_ADMIN = { email: 'admin@roster.test', password: 'correct horse battery staple' };

export type TestServer = {
  url: string;
  testDb: TestDb;
  app: Awaited<ReturnType<typeof buildServer>>;
  /** Empties the database and puts the bootstrap admin back, as the server started. */
  reset: () => Promise<void>;
  close: () => Promise<void>;
};

/** A real HTTP server on a free port over a migrated database of its own, with the bootstrap admin. */
export async function startTestServer(
  options: {
    webDist?: string;
    now?: () => Date;
    publicUrl?: string;
    logStream?: Writable;
    limits?: RequestLimits;
    scimLimits?: RequestLimits;
    requestTimeoutMs?: number;
    trustProxy?: TrustProxy;
  } = {},
): Promise<TestServer> {
  const testDb = await createTestDb();
  const withAdmin = () => ensureBootstrapAdmin(testDb.db, TEST_ADMIN.email, TEST_ADMIN.password);
  await withAdmin();
  const app = await buildServer({
    db: testDb.db,
    api: { ...defaultApiConfig, publicUrl: options.publicUrl ?? 'http://127.0.0.1' },
    webDist: options.webDist,
    logLevel: 'warn',
    now: options.now,
    logStream: options.logStream,
    limits: options.limits,
    scimLimits: options.scimLimits,
    requestTimeoutMs: options.requestTimeoutMs,
    trustProxy: options.trustProxy,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const runner = startBulkRunner(
    testDb.db,
    { ...defaultApiConfig, publicUrl: 'http://127.0.0.1' },
    { pollMs: 100 },
  );
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('The test server has no TCP port');
  const port = address.port;
  return {
    url: `http://127.0.0.1:${port}`,
    testDb,
    app,
    reset: async () => {
      await testDb.reset();
      await withAdmin();
    },
    close: async () => {
      await runner.stop();
      await app.close();
      await testDb.close();
    },
  };
}
