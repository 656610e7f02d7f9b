import { ensureBootstrapAdmin } from '@roster/api';
import { createApiTokenBySignIn, createRosterClient, rosterErrorCode } from '@roster/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN, type TestServer } from '../src/testing';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await ensureBootstrapAdmin(server.testDb.db, TEST_ADMIN.email, TEST_ADMIN.password);
});
afterAll(() => server.close());

describe("the client's createApiTokenBySignIn", () => {
  it('signs in with a password, returns a working token listed under its name, and signs out', async () => {
    const token = await createApiTokenBySignIn({
      url: server.url,
      ...TEST_ADMIN,
      tokenName: 'set-up script',
    });
    const roster = createRosterClient({ url: server.url, token });
    expect((await roster.auth.me.query())?.email).toBe(TEST_ADMIN.email);
    const listed = await roster.tokens.list.query();
    expect(listed.map((t) => t.name)).toContain('set-up script');
    // The cookie session it used is over: no session of the administrator is left open.
    const open = await server.testDb.db.query.sessions.findMany();
    expect(open.filter((s) => s.revokedAt === null)).toEqual([]);
  });

  it('refuses a wrong password with invalid_credentials and creates no token', async () => {
    const error = await createApiTokenBySignIn({
      url: server.url,
      email: TEST_ADMIN.email,
      password: 'not the password',
      tokenName: 'never',
    }).catch((e: unknown) => e);
    expect(rosterErrorCode(error)).toBe('invalid_credentials');
    const tokens = await server.testDb.db.query.apiTokens.findMany();
    expect(tokens.map((t) => t.name)).not.toContain('never');
  });
});
