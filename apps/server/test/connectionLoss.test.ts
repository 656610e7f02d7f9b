import { randomUUID } from 'node:crypto';
import { createRosterClient } from '@roster/client';
import { bulkOperations, createDb, type DbHandle, queryRows, roles, users } from '@roster/db';
import { waitFor } from '@roster/db/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { administratorEnv, apiTokenFor, type SpawnedServer, useSpawnedServers } from './spawnServer';

/**
 * The real server process, on PostgreSQL, while the database drops every one of its connections in
 * the middle of a bulk operation (`pg_terminate_backend`, as a failover, a restart or an idle kill
 * does): the process lives, a request caught by the loss is answered with a typed 503, the next ones
 * succeed, and the operation finishes by itself with each user processed exactly once. postgres.js
 * 3.4.9 unpatched killed the process here (`Cannot read properties of null (reading 'write')`).
 * PGlite has no connections to drop.
 */

const USERS = 40_000;
const ADMIN = { email: 'connection-loss@roster.test', password: 'a password nobody types' };

const spawned = useSpawnedServers();
let server: SpawnedServer | undefined;
/** A connection of its own that ends the server's ones, never itself. */
let killer: DbHandle;
let url = '';
let token = '';
let readerRole = '';
let buyerRole = '';

const errorReply = z.object({
  error: z.object({ json: z.object({ data: z.object({ code: z.string() }) }) }),
});

const output = () => server?.output() ?? '';
const exited = () => server?.child.exitCode !== null || server?.child.signalCode !== null;

/** users.list over HTTP, as a tool sends it; never throws while the process answers. */
async function listUsers(): Promise<Response> {
  const input = encodeURIComponent(JSON.stringify({ json: { limit: 5 } }));
  return fetch(`${url}/trpc/users.list?input=${input}`, {
    headers: { authorization: `Bearer ${token}` },
  }).catch((error: unknown) => {
    // The process died: what it printed last says why.
    throw new Error(
      `users.list got no answer (${String(error)}); the server printed:\n${output().slice(-4000)}`,
    );
  });
}

/** Ends every connection the server processes of this test's database hold (not the killer's own). */
async function terminateServerConnections(): Promise<number> {
  const rows = await queryRows<{ ended: boolean }>(
    killer.db,
    sql`select pg_terminate_backend(pid) as ended from pg_stat_activity
      where datname = current_database() and application_name = 'roster' and pid <> pg_backend_pid()`,
  );
  return rows.length;
}

async function operationRow(id: string) {
  const [row] = await killer.db.select().from(bulkOperations).where(eq(bulkOperations.id, id));
  return row;
}

/** Waits on the operation's row, with the servers' output when it gives up. */
const waitForOperation = (id: string, done: (row: Awaited<ReturnType<typeof operationRow>>) => boolean) =>
  waitFor(() => operationRow(id), done, { timeoutMs: 120_000, context: output });

describe.skipIf(!process.env.DATABASE_URL)('a server process whose database connections are dropped', () => {
  beforeAll(async () => {
    const dbUrl = (await spawned.database()).env.DATABASE_URL ?? '';
    // The server migrates the empty database and creates its administrator; the users come after.
    server = await spawned.start({
      ...administratorEnv(ADMIN),
      NODE_ENV: 'development',
      ROSTER_DEMO_USERS: '0',
      // Many batches, so the losses come while the operation is well under way.
      ROSTER_BULK_BATCH_SIZE: '1000',
      LOG_LEVEL: 'warn',
    });
    url = server.url;
    killer = await createDb({ url: dbUrl, maxConnections: 1 });
    const all = await killer.db.select({ id: roles.id, name: roles.name }).from(roles);
    readerRole = all.find((r) => r.name === 'Reader')?.id ?? '';
    buyerRole = all.find((r) => r.name === 'Buyer')?.id ?? '';
    for (let added = 0; added < USERS; added += 5_000) {
      await killer.db.insert(users).values(
        Array.from({ length: 5_000 }, () => ({
          email: `${randomUUID()}@roster.test`,
          status: 'active' as const,
          roleId: readerRole,
          activatedAt: new Date(),
        })),
      );
    }
    token = await apiTokenFor(url, ADMIN);
  }, 240_000);

  afterAll(async () => {
    await server?.stop('SIGTERM');
    await killer?.close();
  });

  it('lives, answers 503 to the requests caught by the loss, and finishes the operation exactly once', async () => {
    const client = createRosterClient({ url, token });
    const operation = await client.bulk.execute.mutate({
      operationId: randomUUID(),
      operation: { kind: 'assign_role', roleId: buyerRole },
      selection: { filter: { roleIds: [readerRole] }, expectedCount: USERS },
    });
    // The server's worker has taken it and is inside its batches.
    await waitForOperation(operation.id, (row) => (row?.processed ?? 0) > 0);

    // A request in flight when its connection is dropped: the users table is locked, so its query
    // waits on the server until the connection under it is ended.
    const caught = await killer.db.transaction(async (tx) => {
      await tx.execute(sql`lock table users in access exclusive mode`);
      const inFlight = listUsers();
      // Its query reaches the lock and waits there (the worker's batches wait behind it too).
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const waiting = await queryRows<{ query: string }>(
        tx,
        sql`select query from pg_stat_activity where datname = current_database()
          and application_name = 'roster' and wait_event_type = 'Lock'`,
      );
      expect(waiting.some((w) => /api_tokens|sessions/.test(w.query))).toBe(true);
      await tx.execute(sql`select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and application_name = 'roster' and pid <> pg_backend_pid()`);
      return inFlight;
    });
    expect(caught.status).toBe(503);
    expect(errorReply.parse(await caught.json()).error.json.data.code).toBe('database_unavailable');

    // More losses while the operation runs, requests coming in all the while: each is answered, 200
    // or a typed 503, never a dead socket or a 500.
    const statuses: number[] = [];
    let rounds = 0;
    while (rounds < 6 && (await operationRow(operation.id))?.status === 'running') {
      const requests = Array.from({ length: 4 }, () => listUsers().then((r) => statuses.push(r.status)));
      await new Promise((resolve) => setTimeout(resolve, 150));
      await terminateServerConnections();
      await Promise.all(requests);
      expect(exited()).toBe(false);
      rounds++;
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    expect(rounds).toBeGreaterThan(1);
    // On a failure, the server's log names the error that was not classed as the database gone.
    expect(
      statuses.filter((s) => s !== 200 && s !== 503),
      output().slice(-6000),
    ).toEqual([]);

    const done = await waitForOperation(
      operation.id,
      (row) => row?.status !== 'running' && row?.status !== 'queued',
    );
    expect(exited()).toBe(false);
    expect(done).toMatchObject({
      status: 'succeeded',
      total: USERS,
      processed: USERS,
      changed: USERS,
      failed: 0,
    });
    // Exactly once: one result and one audit event per user, every user changed.
    const [counts] = await queryRows<{ items: number; users: number; audits: number; buyers: number }>(
      killer.db,
      sql`select (select count(*)::int from bulk_operation_items where operation_id = ${operation.id}) as items,
        (select count(distinct user_id)::int from bulk_operation_items where operation_id = ${operation.id}) as users,
        (select count(*)::int from audit_events where operation_id = ${operation.id}) as audits,
        (select count(*)::int from users where role_id = ${buyerRole}) as buyers`,
    );
    expect(counts).toEqual({ items: USERS, users: USERS, audits: USERS, buyers: USERS });

    // The database is back: the next requests succeed.
    expect((await listUsers()).status).toBe(200);
    expect(exited()).toBe(false);
  }, 300_000);
});
