import { createRosterClient } from '@roster/client';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type EmptyDatabase, emptyDatabase, type SpawnedServer, spawnServer } from './spawnServer';

/**
 * Issue 16 item 13: SIGTERM while a bulk operation runs. With no grace left the process exits at
 * once without closing the pool, the open batch rolls back, and the operation's lease hands it to the
 * next server process, which finishes it exactly once. PostgreSQL only: the embedded database has
 * one process and is not left mid-transaction on purpose.
 */

const ADMIN = { email: 'shutdown-admin@roster.test', password: 'stopping without losing work' };
const servers: SpawnedServer[] = [];
let database: EmptyDatabase | undefined;

afterAll(async () => {
  for (const server of servers) await server.stop('SIGKILL');
  await database?.drop();
});

const tokenReply = z.object({
  result: z.object({ data: z.object({ json: z.object({ token: z.string() }) }) }),
});

async function adminToken(url: string): Promise<string> {
  const signIn = await fetch(`${url}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-roster-csrf': '1' },
    body: JSON.stringify({ json: ADMIN }),
  });
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const created = await fetch(`${url}/trpc/tokens.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-roster-csrf': '1', cookie },
    body: JSON.stringify({ json: { name: 'shutdown test' } }),
  });
  return tokenReply.parse(await created.json()).result.data.json.token;
}

describe.skipIf(!process.env.DATABASE_URL)('SIGTERM during a bulk operation', () => {
  it('exits at once, and the next process finishes the operation exactly once', async () => {
    database = await emptyDatabase();
    const env = {
      ...database.env,
      NODE_ENV: 'development',
      ROSTER_ADMIN_EMAIL: ADMIN.email,
      ROSTER_ADMIN_PASSWORD: ADMIN.password,
      ROSTER_DEMO_USERS: '20000',
      ROSTER_SHUTDOWN_GRACE_MS: '0',
    };
    const first = await spawnServer(env);
    servers.push(first);
    const client = createRosterClient({ url: first.url, token: await adminToken(first.url) });
    const reader = (await client.roles.list.query()).find((role) => role.name === 'Reader');
    if (!reader) throw new Error('The Reader role is missing');
    const total = (await client.users.count.query({ filter: {} })).total;
    const started = await client.bulk.execute.mutate({
      operationId: crypto.randomUUID(),
      operation: { kind: 'assign_role', roleId: reader.id },
      selection: { filter: {}, expectedCount: total },
      confirmPrivileged: true,
    });
    const since = Date.now();
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(Date.now() - since).toBeLessThan(10_000);
    expect(first.output()).toContain('did not end in time');

    const second = await spawnServer({ ...env, ROSTER_DEMO_USERS: '0' });
    servers.push(second);
    const next = createRosterClient({ url: second.url, token: await adminToken(second.url) });
    let view = await next.bulk.get.query({ id: started.id });
    const deadline = Date.now() + 150_000;
    while (view.finishedAt === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      view = await next.bulk.get.query({ id: started.id });
    }
    expect(view.finishedAt).not.toBeNull();
    expect(view.counts.failed).toBe(0);
    expect(view.counts.change + view.counts.skip + view.counts.blocked).toBe(total);
    expect(await second.stop('SIGTERM')).toBe(0);
  }, 400_000);
});
