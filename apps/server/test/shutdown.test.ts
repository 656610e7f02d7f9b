import { createRosterClient } from '@roster/client';
import { describe, expect, it } from 'vitest';
import { administratorEnv, apiTokenFor, useSpawnedServers } from './spawnServer';

/**
 * Issue 16 item 13: SIGTERM while a bulk operation runs. With no grace left the process exits at
 * once without closing the pool, the open batch rolls back, and the operation's lease hands it to the
 * next server process, which finishes it exactly once. PostgreSQL only: the embedded database has
 * one process and is not left mid-transaction on purpose.
 */

const ADMIN = { email: 'shutdown-admin@roster.test', password: 'stopping without losing work' };
const spawned = useSpawnedServers();

describe.skipIf(!process.env.DATABASE_URL)('SIGTERM during a bulk operation', () => {
  it('exits at once, and the next process finishes the operation exactly once', async () => {
    await spawned.database();
    const env = {
      ...administratorEnv(ADMIN),
      NODE_ENV: 'development',
      ROSTER_DEMO_USERS: '20000',
      ROSTER_SHUTDOWN_GRACE_MS: '0',
    };
    const first = await spawned.start(env);
    const client = createRosterClient({ url: first.url, token: await apiTokenFor(first.url, ADMIN) });
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

    const second = await spawned.start({ ...env, ROSTER_DEMO_USERS: '0' });
    const next = createRosterClient({ url: second.url, token: await apiTokenFor(second.url, ADMIN) });
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
