import { newApiToken } from '@roster/api';
import {
  apiTokens,
  type Db,
  idGenerator,
  queryRows,
  reuseCachedPlans,
  sqlTime,
  sqlUuids,
  users,
} from '@roster/db';
import { SCIM_USER_SCHEMA } from '@roster/domain';
import { eq, sql } from 'drizzle-orm';
import { vacuumTables } from './benchDatabase';
import { measured, type RunCost } from './bulkBench';

export const SCIM_BENCH_TOKEN_NAME = 'scim bench';
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const PATTERN = 'scim-bench-%';

/** A SCIM token for the bench administrator (created by the server at start). */
export async function scimBenchToken(db: Db, adminEmail: string): Promise<string> {
  const [admin] = await db.select({ id: users.id }).from(users).where(eq(users.email, adminEmail));
  if (!admin) throw new Error(`No user ${adminEmail}: start the server first`);
  const { token, stored } = newApiToken();
  await db
    .insert(apiTokens)
    .values({ userId: admin.id, name: SCIM_BENCH_TOKEN_NAME, ...stored, scope: 'scim' });
  return token;
}

/** The /Bulk requests an identity provider sends to create `total` users, `perRequest` at a time. */
function bulkBodies(run: string, total: number, perRequest: number): string[] {
  const bodies: string[] = [];
  for (let start = 0; start < total; start += perRequest) {
    const operations = [];
    for (let i = start; i < Math.min(total, start + perRequest); i++) {
      const userName = `scim-bench-${run}-${i}@idp.example`;
      operations.push({
        method: 'POST',
        path: '/Users',
        bulkId: `u${i}`,
        data: {
          schemas: [SCIM_USER_SCHEMA],
          userName,
          name: { givenName: `First${i}`, familyName: `Last ${i}` },
          emails: [{ value: userName, type: 'work', primary: true }],
          active: true,
          externalId: `ext-${i}`,
        },
      });
    }
    bodies.push(JSON.stringify({ schemas: [BULK_REQUEST], Operations: operations }));
  }
  return bodies;
}

/** The product: every /Bulk request through the real server, one after another, as an IdP sends them. */
async function product(url: string, token: string, bodies: string[]): Promise<number> {
  let created = 0;
  for (const body of bodies) {
    const response = await fetch(`${url}/scim/v2/Bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body,
    });
    if (response.status !== 200)
      throw new Error(`/Bulk answered ${response.status}: ${await response.text()}`);
    const answer = (await response.json()) as { Operations: { status: string }[] };
    created += answer.Operations.filter((o) => o.status === '201').length;
  }
  return created;
}

/**
 * The floor: the same writes in hand-written set-based SQL, one transaction per 1,000 users: the
 * users, one audit row and one result row each, and the operation row.
 */
async function floor(
  db: Db,
  run: string,
  total: number,
  perRequest: number,
  actorId: string,
): Promise<number> {
  let created = 0;
  const roleId = (
    await queryRows<{ id: string }>(db, sql`select id::text as id from roles where name = 'Reader'`)
  )[0]?.id;
  for (let start = 0; start < total; start += perRequest) {
    const n = Math.min(perRequest, total - start);
    const newId = idGenerator(n + 1);
    const operationId = newId();
    const ids = Array.from({ length: n }, () => newId());
    const emails = ids.map((_, i) => `scim-bench-${run}-${start + i}@idp.example`);
    await db.transaction(async (tx) => {
      await reuseCachedPlans(tx);
      const now = new Date();
      await tx.execute(sql`insert into bulk_operations (id, kind, params, selection, actor_id, status, total, created_at)
        values (${operationId}, 'scim', '{}'::jsonb, '{}'::jsonb, ${actorId}, 'succeeded', ${n}, ${sqlTime(now)})`);
      const rows = await queryRows<{ id: string }>(
        tx,
        sql`insert into users (id, email, first_name, last_name, status, role_id, created_at, updated_at)
          select x.id, x.email, 'First', 'Last', 'created', ${roleId}, ${sqlTime(now)}, ${sqlTime(now)}
          from unnest(${sqlUuids(ids)}, ${sql.param(emails)}::text[]) as x(id, email)
          on conflict (email) do nothing returning id::text as id`,
      );
      await tx.execute(sql`insert into audit_events (at, actor_id, user_id, operation_id, action, before, after)
        select ${sqlTime(now)}, ${actorId}, x.id, ${operationId}, 'scim.create', '{}'::jsonb, jsonb_build_object('email', x.email)
        from unnest(${sqlUuids(ids)}, ${sql.param(emails)}::text[]) as x(id, email)`);
      await tx.execute(sql`insert into bulk_operation_items (operation_id, position, user_id, email, outcome, processed_at)
        select ${operationId}, x.n::int - 1, x.id, x.email, 'change', ${sqlTime(now)}
        from unnest(${sqlUuids(ids)}, ${sql.param(emails)}::text[]) with ordinality as x(id, email, n)`);
      created += rows.length;
    });
  }
  return created;
}

/**
 * Removes what a run created (users, their search rows and external ids, audit, results, operations,
 * request audit).
 */
async function cleanUp(db: Db, actorId: string) {
  await db.transaction(async (tx) => {
    await reuseCachedPlans(tx);
    const ids = sql`(select id from users where email like ${PATTERN})`;
    await tx.execute(sql`delete from audit_events where user_id in ${ids}`);
    await tx.execute(
      sql`delete from audit_events where action in ('scim.request', 'scim.refused') and actor_id = ${actorId}`,
    );
    await tx.execute(sql`delete from user_search where user_id in ${ids}`);
    await tx.execute(sql`delete from scim_external_ids where user_id in ${ids}`);
    await tx.execute(
      sql`delete from bulk_operation_items where operation_id in (select id from bulk_operations where kind = 'scim' and actor_id = ${actorId})`,
    );
    await tx.execute(sql`delete from bulk_operations where kind = 'scim' and actor_id = ${actorId}`);
    await tx.execute(sql`delete from users where email like ${PATTERN}`);
  });
  await vacuumTables(db, ['users', 'user_search', 'audit_events', 'bulk_operation_items', 'bulk_operations']);
}

export type ScimBenchPair = { product: RunCost; floor: RunCost; created: number };

/**
 * `total` users created through /Bulk (`perRequest` operations a request) against the same writes
 * in plain SQL, interleaved in pairs (the order alternating), each run cleaned up after.
 */
export async function benchScim(
  db: Db,
  server: { url: string; pid: number },
  token: string,
  actorId: string,
  options: { total: number; perRequest: number; pairs: number },
): Promise<ScimBenchPair[]> {
  const pairs: ScimBenchPair[] = [];
  await cleanUp(db, actorId);
  for (let pair = 0; pair < options.pairs; pair++) {
    const runProduct = async () => {
      const bodies = bulkBodies(`p${pair}`, options.total, options.perRequest);
      const { cost, result } = await measured(db, server.pid, () => product(server.url, token, bodies));
      await cleanUp(db, actorId);
      return { cost, created: result };
    };
    const runFloor = async () => {
      const { cost } = await measured(db, undefined, () =>
        floor(db, `f${pair}`, options.total, options.perRequest, actorId),
      );
      await cleanUp(db, actorId);
      return cost;
    };
    let p: { cost: RunCost; created: number };
    let f: RunCost;
    if (pair % 2 === 0) {
      p = await runProduct();
      f = await runFloor();
    } else {
      f = await runFloor();
      p = await runProduct();
    }
    if (p.created !== options.total)
      throw new Error(`The product created ${p.created} users, not ${options.total}`);
    console.log(
      `  pair ${pair + 1}: product ${p.cost.seconds.toFixed(2)} s (${(options.total / p.cost.seconds).toFixed(0)} users/s; CPU server ${p.cost.serverCpu.toFixed(1)} s, postgres ${p.cost.postgresCpu.toFixed(1)} s), floor ${f.seconds.toFixed(2)} s (${(options.total / f.seconds).toFixed(0)} users/s; CPU postgres ${f.postgresCpu.toFixed(1)} s)`,
    );
    pairs.push({ product: p.cost, floor: f, created: p.created });
  }
  return pairs;
}
