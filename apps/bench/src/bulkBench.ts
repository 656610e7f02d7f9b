import { randomUUID } from 'node:crypto';
import type { RosterClient } from '@roster/client';
import { type Db, queryRows, roles } from '@roster/db';
import type { BulkOperation, Selection } from '@roster/domain';
import { eq, sql } from 'drizzle-orm';
import { vacuumTables } from './benchDatabase';
import type { ServerProcess } from './serverProcess';

export type BulkResult = {
  operation: string;
  users: number;
  productSeconds: number;
  floorSeconds: number;
  peakRssMiB: number;
  status: string;
};

const COHORT_ROLE = 'Bench cohort';

async function roleId(db: Db, name: string): Promise<string> {
  await db.insert(roles).values({ name }).onConflictDoNothing({ target: roles.name });
  const [row] = await db.select({ id: roles.id }).from(roles).where(eq(roles.name, name));
  if (!row) throw new Error(`no role ${name}`);
  return row.id;
}

/** The same N non-administrator users every run: the cohort each operation is applied to. */
async function prepareCohort(db: Db, size: number, sourceId: string): Promise<string[]> {
  await db.execute(sql`drop table if exists bench_cohort`);
  // Never the user whose access is copied: resetting the cohort would reset the source too.
  await db.execute(sql`create table bench_cohort as
    select u.id from users u join roles r on r.id = u.role_id
    where not r.is_admin and u.email not like 'bench-%' and u.id <> ${sourceId} order by u.id limit ${size}`);
  await db.execute(sql`alter table bench_cohort add primary key (id)`);
  // A filter on the cohort's role must select exactly the cohort.
  await db.execute(sql`update users set role_id = (select id from roles where name = 'Reader')
    where role_id = (select id from roles where name = ${COHORT_ROLE}) and id not in (select id from bench_cohort)`);
  const rows = await queryRows<{ id: string }>(db, sql`select id::text as id from bench_cohort order by id`);
  return rows.map((r) => r.id);
}

/**
 * The cohort's starting state for an operation (not timed): active users of the cohort's own role
 * (so that a filter on it selects exactly them), each of whom the operation will change.
 */
async function resetCohort(
  db: Db,
  operation: 'assign_role' | 'deactivate' | 'copy_access',
  cohortRole: string,
) {
  await db.execute(sql`update users set role_id = ${cohortRole}, status = 'active'
    where id in (select id from bench_cohort) and (role_id <> ${cohortRole} or status <> 'active')`);
  if (operation === 'copy_access') {
    await db.execute(sql`delete from module_access where user_id in (select id from bench_cohort)`);
    await db.execute(
      sql`insert into module_access (user_id, module, level) select id, 'portfolio', 'read' from bench_cohort`,
    );
  }
  await vacuumTables(db, BULK_TABLES);
}

/** The tables whose rows a bulk operation's run changes (and so leaves dead). */
const BULK_TABLES = ['users', 'user_search', 'module_access'];

/**
 * The floor: hand-written set-based SQL doing the same writes as the product (the change, one audit
 * row per user, one result row per user), in one transaction.
 */
async function runFloor(
  db: Db,
  operation: 'assign_role' | 'deactivate' | 'copy_access',
  ids: { cohortRole: string; contributorRole: string; sourceId: string; actorId: string },
) {
  await db.transaction(async (tx) => {
    const opId = randomUUID();
    await tx.execute(sql`insert into bulk_operations (id, kind, params, selection, actor_id, status)
      values (${opId}, ${operation}, '{}', '{}', ${ids.actorId}, 'succeeded')`);
    if (operation === 'assign_role') {
      await tx.execute(sql`with changed as (
          update users u set role_id = ${ids.contributorRole}, version = version + 1, updated_at = now()
          from bench_cohort c where u.id = c.id returning u.id, u.email),
        audit as (insert into audit_events (actor_id, user_id, operation_id, action, before, after)
          select ${ids.actorId}, id, ${opId}, 'user.assign_role', '{}'::jsonb, jsonb_build_object('roleId', ${ids.contributorRole}::text) from changed)
        insert into bulk_operation_items (operation_id, position, user_id, email, outcome, processed_at)
        select ${opId}, row_number() over (), id, email, 'change', now() from changed`);
    } else if (operation === 'deactivate') {
      await tx.execute(sql`with changed as (
          update users u set status = 'deactivated', version = version + 1, updated_at = now()
          where role_id = ${ids.cohortRole} and status <> 'deactivated' returning u.id, u.email),
        audit as (insert into audit_events (actor_id, user_id, operation_id, action, before, after)
          select ${ids.actorId}, id, ${opId}, 'user.deactivate', '{"status":"active"}'::jsonb, '{"status":"deactivated"}'::jsonb from changed)
        insert into bulk_operation_items (operation_id, position, user_id, email, outcome, processed_at)
        select ${opId}, row_number() over (), id, email, 'change', now() from changed`);
    } else {
      await tx.execute(sql`delete from module_access where user_id in (select id from bench_cohort)`);
      await tx.execute(sql`insert into module_access (user_id, module, level)
        select c.id, m.module, m.level from bench_cohort c cross join (select module, level from module_access where user_id = ${ids.sourceId}) m`);
      await tx.execute(sql`delete from user_scopes where user_id in (select id from bench_cohort)`);
      await tx.execute(sql`insert into user_scopes (user_id, org_unit_id)
        select c.id, s.org_unit_id from bench_cohort c cross join (select org_unit_id from user_scopes where user_id = ${ids.sourceId}) s`);
      await tx.execute(sql`delete from user_rights where user_id in (select id from bench_cohort)`);
      await tx.execute(sql`insert into user_rights (user_id, "right")
        select c.id, r."right" from bench_cohort c cross join (select "right" from user_rights where user_id = ${ids.sourceId}) r`);
      await tx.execute(sql`with changed as (
          update users u set version = version + 1, updated_at = now() from bench_cohort c where u.id = c.id returning u.id, u.email),
        audit as (insert into audit_events (actor_id, user_id, operation_id, action, before, after)
          select ${ids.actorId}, id, ${opId}, 'user.copy_access', '{}'::jsonb, '{}'::jsonb from changed)
        insert into bulk_operation_items (operation_id, position, user_id, email, outcome, processed_at)
        select ${opId}, row_number() over (), id, email, 'change', now() from changed`);
    }
  });
}

/** Times an operation from its start (Apply, or a revert) until it reports done, with the server's peak RSS. */
async function runProduct(
  server: ServerProcess,
  client: RosterClient,
  start: () => Promise<{ id: string; status: string }>,
) {
  let peak = server.rssMiB();
  const sampler = setInterval(() => {
    peak = Math.max(peak, server.rssMiB());
  }, 100);
  const started = performance.now();
  let op = await start();
  while (op.status === 'queued' || op.status === 'running') {
    await new Promise((r) => setTimeout(r, 250));
    op = await client.bulk.get.query({ id: op.id });
  }
  const done = await client.bulk.get.query({ id: op.id });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  return {
    id: done.id,
    seconds,
    peak: Math.max(peak, server.rssMiB()),
    status: done.status,
    changed: done.counts.change,
  };
}

/** Assign role, deactivate (by filter) and copy access over `sizes` users, each beside its floor. */
export async function benchBulk(
  client: RosterClient,
  server: ServerProcess,
  db: Db,
  sizes: number[],
  actorId: string,
) {
  const cohortRole = await roleId(db, COHORT_ROLE);
  const readerRole = await roleId(db, 'Reader');
  const contributorRole = await roleId(db, 'Contributor');
  const [source] = await queryRows<{ id: string }>(
    db,
    sql`select user_id::text as id from module_access
    group by user_id having count(*) >= 3 order by user_id desc limit 1`,
  );
  if (!source) throw new Error('no source user with module access');
  const results: BulkResult[] = [];
  for (const wanted of sizes) {
    const cohort = await prepareCohort(db, wanted, source.id);
    // A tenant has fewer non-administrators than users: the cohort is what there is.
    const size = cohort.length;
    // Up to 100,000 users the ticked-rows selection (the limit of one); beyond, and for deactivate
    // always, "all users matching a filter": the cohort has a role of its own while it is measured.
    const byFilter: Selection = { filter: { roleIds: [cohortRole] }, expectedCount: size };
    const idsOrFilter: Selection = size <= 100_000 ? { ids: cohort } : byFilter;
    const selections: Record<string, Selection> = {
      assign_role: idsOrFilter,
      deactivate: byFilter,
      copy_access: idsOrFilter,
    };
    const operations: Record<string, BulkOperation> = {
      assign_role: { kind: 'assign_role', roleId: contributorRole },
      deactivate: { kind: 'deactivate' },
      copy_access: { kind: 'copy_access', sourceUserId: source.id },
    };
    for (const name of ['assign_role', 'deactivate', 'copy_access'] as const) {
      await resetCohort(db, name, cohortRole);
      const operation = operations[name] ?? { kind: 'deactivate' };
      const selection = selections[name] ?? { ids: [] };
      const product = await runProduct(server, client, () =>
        client.bulk.execute.mutate({ operationId: randomUUID(), operation, selection }),
      );
      // The revert of the role change: the same writes the other way, so it stands beside the same floor.
      const reverted =
        name === 'assign_role'
          ? await (async () => {
              await vacuumTables(db, BULK_TABLES);
              return runProduct(server, client, () =>
                client.bulk.revert.mutate({ operationId: randomUUID(), id: product.id }),
              );
            })()
          : null;
      await resetCohort(db, name, cohortRole);
      const floorStarted = performance.now();
      await runFloor(db, name, { cohortRole, contributorRole, sourceId: source.id, actorId });
      const floorSeconds = (performance.now() - floorStarted) / 1000;
      for (const [label, run] of [
        [name, product],
        [`revert of ${name}`, reverted],
      ] as const) {
        if (!run) continue;
        const result = {
          operation: label,
          users: size,
          productSeconds: run.seconds,
          floorSeconds,
          peakRssMiB: run.peak,
          status: `${run.status} (${run.changed.toLocaleString('en')} changed)`,
        };
        results.push(result);
        console.log(
          `  ${label} × ${size.toLocaleString('en')}: product ${run.seconds.toFixed(1)} s, floor ${floorSeconds.toFixed(1)} s, ratio ${(run.seconds / floorSeconds).toFixed(2)}, RSS ${run.peak.toFixed(0)} MiB, ${result.status}`,
        );
      }
    }
  }
  // Leave the tenant as it was: the cohort back to active Readers.
  await db.execute(
    sql`update users set role_id = ${readerRole}, status = 'active' where id in (select id from bench_cohort)`,
  );
  return results;
}
