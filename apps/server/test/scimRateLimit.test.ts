import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN, type TestServer } from '../src/testing';

/** A SCIM token's requests are bounded: past those in flight and waiting, 429 with Retry-After. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    scimLimits: {
      maxBatchSize: 1,
      perPrincipal: 1,
      total: 8,
      queuePerPrincipal: 0,
      queueTotal: 10,
      maxWaitMs: 5_000,
      retryAfterSeconds: 2,
    },
  });
});
afterAll(() => server.close());

async function scimToken(): Promise<string> {
  const signIn = await fetch(`${server.url}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-roster-csrf': '1' },
    body: JSON.stringify({ json: { email: TEST_ADMIN.email, password: TEST_ADMIN.password } }),
  });
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const created = await fetch(`${server.url}/trpc/tokens.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-roster-csrf': '1', cookie },
    body: JSON.stringify({ json: { name: 'Okta', scope: 'scim' } }),
  });
  return ((await created.json()) as { result: { data: { json: { token: string } } } }).result.data.json.token;
}

// On the embedded database every request runs to its end in the server's one thread before the next
// is read, so two requests are never in flight at once there: the bound is seen on PostgreSQL.
describe.skipIf(!process.env.DATABASE_URL)('SCIM request limits (PostgreSQL)', () => {
  it('requests beyond the token’s bound are refused with 429 and Retry-After, in SCIM’s error shape', async () => {
    const token = await scimToken();
    const headers = { authorization: `Bearer ${token}` };
    // One in flight and none waiting: of ten sent at once, the ones that find the slot taken are refused.
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => fetch(`${server.url}/scim/v2/Users?count=1`, { headers })),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses).toContain(200);
    expect(statuses).toContain(429);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    const refused = replies.find((r) => r.status === 429);
    expect(refused?.headers.get('retry-after')).toBe('2');
    expect(await refused?.json()).toMatchObject({ status: '429', detail: expect.any(String) });
    // Once the slot is free, the token is served again.
    expect((await fetch(`${server.url}/scim/v2/Users?count=1`, { headers })).status).toBe(200);
  });
});
