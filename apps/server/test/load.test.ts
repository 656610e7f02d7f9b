import { createRosterClient } from '@roster/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type EmptyDatabase, emptyDatabase, type SpawnedServer, spawnServer } from './spawnServer';

/**
 * Issue 16 item 2: one authenticated client cannot exhaust the heap. The server runs as `pnpm start`
 * runs it (production, a 192 MB heap) and receives a batch of 100 `users.list` of 500 users and 200
 * such requests at once; it refuses what is over its bounds in tRPC's envelope, and answers the
 * next request. The project's typed client, batching a `Promise.all` of 100 calls, still works.
 */

const ADMIN = { email: 'load-admin@roster.test', password: 'heavy but bounded load' };
const USERS = 1_500;
let server: SpawnedServer;
let database: EmptyDatabase;
let token = '';

const tokenReply = z.object({
  result: z.object({ data: z.object({ json: z.object({ token: z.string() }) }) }),
});
const envelope = z.object({
  error: z.object({
    json: z.object({ data: z.object({ httpStatus: z.number(), code: z.string() }) }),
  }),
});

beforeAll(async () => {
  database = await emptyDatabase();
  server = await spawnServer(
    {
      ...database.env,
      NODE_ENV: 'production',
      ROSTER_ADMIN_EMAIL: ADMIN.email,
      ROSTER_ADMIN_PASSWORD: ADMIN.password,
      ROSTER_DEMO_USERS: String(USERS),
      LOG_LEVEL: 'warn',
    },
    ['--max-semi-space-size=16', '--max-old-space-size=192', '--initial-old-space-size=160'],
  );
  const signIn = await fetch(`${server.url}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-roster-csrf': '1' },
    body: JSON.stringify({ json: ADMIN }),
  });
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const created = await fetch(`${server.url}/trpc/tokens.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-roster-csrf': '1', cookie },
    body: JSON.stringify({ json: { name: 'load test' } }),
  });
  token = tokenReply.parse(await created.json()).result.data.json.token;
}, 300_000);

afterAll(async () => {
  await server?.stop('SIGKILL');
  await database?.drop();
});

const listUrl = (calls: number, limit: number) => {
  const paths = Array.from({ length: calls }, () => 'users.list').join(',');
  const input = Object.fromEntries(Array.from({ length: calls }, (_, i) => [i, { json: { limit } }]));
  return `${server.url}/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`;
};

async function answersNext(): Promise<void> {
  const next = await fetch(listUrl(1, 1), { headers: { authorization: `Bearer ${token}` } });
  expect(next.status).toBe(200);
  expect(server.child.exitCode).toBeNull();
}

describe('bounded work under one client', () => {
  it('refuses a batch of 100 users.list with 400 batch_too_large, then answers the next request', async () => {
    const reply = await fetch(listUrl(100, 500), { headers: { authorization: `Bearer ${token}` } });
    expect(reply.status).toBe(400);
    expect(envelope.parse(await reply.json()).error.json.data).toEqual({
      httpStatus: 400,
      code: 'batch_too_large',
    });
    await answersNext();
  }, 60_000);

  it('takes 200 concurrent users.list of 500 users: each answered or refused with 429 and Retry-After, then the next one', async () => {
    const replies = await Promise.all(
      Array.from({ length: 200 }, async () => {
        const reply = await fetch(listUrl(1, 500), { headers: { authorization: `Bearer ${token}` } });
        const body: unknown = await reply.json();
        return { status: reply.status, retryAfter: reply.headers.get('retry-after'), body };
      }),
    );
    const statuses = new Set(replies.map((reply) => reply.status));
    expect([...statuses].every((status) => status === 200 || status === 429)).toBe(true);
    expect(replies.filter((reply) => reply.status === 200).length).toBeGreaterThan(0);
    for (const refused of replies.filter((reply) => reply.status === 429)) {
      expect(refused.retryAfter).toMatch(/^\d+$/);
      expect(envelope.parse(refused.body).error.json.data.code).toBe('too_many_requests');
    }
    await answersNext();
  }, 180_000);

  it("the typed client's Promise.all of 100 users.list is batched within the bounds and all answered", async () => {
    const client = createRosterClient({ url: server.url, token });
    const pages = await Promise.all(
      Array.from({ length: 100 }, () => client.users.list.query({ limit: 50 })),
    );
    expect(pages).toHaveLength(100);
    for (const page of pages) expect(page.items).toHaveLength(50);
    await answersNext();
  }, 180_000);
});
