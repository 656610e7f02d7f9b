import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RosterClient } from '@roster/client';
import { type Db, queryRows, roles } from '@roster/db';
import type { BulkOperation, Selection } from '@roster/domain';
import { eq, sql } from 'drizzle-orm';
import { vacuumTables } from './benchDatabase';
import { postgresCpuBetween, processCpuSeconds } from './cpuTime';
import type { ServerProcess } from './serverProcess';
import { percentile } from './stats';

const COHORT_ROLE = 'Bench cohort';

async function roleId(db: Db, name: string): Promise<string> {
  await db.insert(roles).values({ name }).onConflictDoNothing({ target: roles.name });
  const [row] = await db.select({ id: roles.id }).from(roles).where(eq(roles.name, name));
  if (!row) throw new Error(`no role ${name}`);
  return row.id;
}

/**
 * Users per statement of the floor and of the untimed reset, as many as a batch of the product: the
 * statement triggers on users (search rows, exact counts) read transition tables that spill to disk
 * beyond work_mem, and at 100,000 rows in one statement they took minutes (2026-12-03).
 */
const SLICE = 10_000;

/** The cohort's slices: 0, 1, … */
async function cohortSlices(db: Db): Promise<number[]> {
  const rows = await queryRows<{ slice: number }>(
    db,
    sql`select distinct slice from bench_cohort order by slice`,
  );
  return rows.map((r) => r.slice);
}

/** The same N non-administrator users every run: the cohort each operation is applied to. */
async function prepareCohort(db: Db, size: number, sourceId: string): Promise<string[]> {
  await db.execute(sql`drop table if exists bench_cohort`);
  // Never the user whose access is copied: resetting the cohort would reset the source too.
  await db.execute(sql`create table bench_cohort as
    select u.id from users u join roles r on r.id = u.role_id
    where not r.is_admin and u.email not like 'bench-%' and u.id <> ${sourceId} order by u.id limit ${size}`);
  await db.execute(sql`alter table bench_cohort add primary key (id)`);
  // Slices of SLICE users (by id), the floor's and the reset's statements run one per slice.
  await db.execute(sql`alter table bench_cohort add column slice int`);
  await db.execute(sql`update bench_cohort c set slice = n.slice
    from (select id, ((row_number() over (order by id)) - 1)::int / ${SLICE} as slice from bench_cohort) n where n.id = c.id`);
  await db.execute(sql`create index on bench_cohort (slice)`);
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
  // First the rows the last run left dead: with room in their pages again, the reset's updates stay
  // HOT and leave the search table's trigram index alone (else each took minutes a slice).
  await vacuumTables(db, BULK_TABLES);
  for (const slice of await cohortSlices(db)) {
    await db.execute(sql`update users set role_id = ${cohortRole}, status = 'active'
      where id in (select id from bench_cohort where slice = ${slice}) and (role_id <> ${cohortRole} or status <> 'active')`);
    if (operation === 'copy_access') {
      await db.execute(
        sql`delete from module_access where user_id in (select id from bench_cohort where slice = ${slice})`,
      );
      await db.execute(
        sql`insert into module_access (user_id, module, level) select id, 'portfolio', 'read' from bench_cohort where slice = ${slice}`,
      );
    }
  }
  await vacuumTables(db, BULK_TABLES);
}

/** The tables whose rows a bulk operation's run changes (and so leaves dead). */
const BULK_TABLES = ['users', 'user_search', 'module_access'];

/**
 * The floor: hand-written set-based SQL doing the same writes as the product (the change, one audit
 * row per user, one result row per user), in one transaction, a statement per slice of SLICE users.
 */
async function runFloor(
  db: Db,
  operation: 'assign_role' | 'deactivate' | 'copy_access',
  ids: { cohortRole: string; contributorRole: string; sourceId: string; actorId: string },
) {
  const slices = await cohortSlices(db);
  await db.transaction(async (tx) => {
    const opId = randomUUID();
    await tx.execute(sql`insert into bulk_operations (id, kind, params, selection, actor_id, status)
      values (${opId}, ${operation}, '{}', '{}', ${ids.actorId}, 'succeeded')`);
    for (const slice of slices) {
      const cohort = sql`(select id from bench_cohort where slice = ${slice})`;
      const results = sql`insert into bulk_operation_items (operation_id, position, user_id, email, outcome, processed_at)
        select ${opId}, ${slice * SLICE} + row_number() over (), id, email, 'change', now() from changed`;
      if (operation === 'assign_role') {
        await tx.execute(sql`with changed as (
            update users u set role_id = ${ids.contributorRole}, version = version + 1, updated_at = now()
            where u.id in ${cohort} returning u.id, u.email),
          audit as (insert into audit_events (actor_id, user_id, operation_id, action, before, after)
            select ${ids.actorId}, id, ${opId}, 'user.assign_role', '{}'::jsonb, jsonb_build_object('roleId', ${ids.contributorRole}::text) from changed)
          ${results}`);
      } else if (operation === 'deactivate') {
        await tx.execute(sql`with changed as (
            update users u set status = 'deactivated', version = version + 1, updated_at = now()
            where role_id = ${ids.cohortRole} and status <> 'deactivated' and u.id in ${cohort} returning u.id, u.email),
          audit as (insert into audit_events (actor_id, user_id, operation_id, action, before, after)
            select ${ids.actorId}, id, ${opId}, 'user.deactivate', '{"status":"active"}'::jsonb, '{"status":"deactivated"}'::jsonb from changed)
          ${results}`);
      } else {
        await tx.execute(sql`delete from module_access where user_id in ${cohort}`);
        await tx.execute(sql`insert into module_access (user_id, module, level)
          select c.id, m.module, m.level from ${cohort} c cross join (select module, level from module_access where user_id = ${ids.sourceId}) m`);
        await tx.execute(sql`delete from user_scopes where user_id in ${cohort}`);
        await tx.execute(sql`insert into user_scopes (user_id, org_unit_id)
          select c.id, s.org_unit_id from ${cohort} c cross join (select org_unit_id from user_scopes where user_id = ${ids.sourceId}) s`);
        await tx.execute(sql`delete from user_rights where user_id in ${cohort}`);
        await tx.execute(sql`insert into user_rights (user_id, "right")
          select c.id, r."right" from ${cohort} c cross join (select "right" from user_rights where user_id = ${ids.sourceId}) r`);
        await tx.execute(sql`with changed as (
            update users u set version = version + 1, updated_at = now() where u.id in ${cohort} returning u.id, u.email),
          audit as (insert into audit_events (actor_id, user_id, operation_id, action, before, after)
            select ${ids.actorId}, id, ${opId}, 'user.copy_access', '{}'::jsonb, '{}'::jsonb from changed)
          ${results}`);
      }
    }
  });
}

/** CPU seconds so far of this database's PostgreSQL backends (the server's pool and the bench's own), by pid. */
async function backendCpuByPid(db: Db): Promise<Map<number, number>> {
  const rows = await queryRows<{ pid: number }>(
    db,
    sql`select pid from pg_stat_activity where datname = current_database()`,
  );
  return new Map(rows.map((r) => [r.pid, processCpuSeconds(r.pid)]));
}

/** What one timed run cost: wall time, and CPU seconds of the server process and of PostgreSQL. */
export type RunCost = { seconds: number; serverCpu: number; postgresCpu: number };

/** Runs `work`, measuring its wall time and the CPU the server and this database's backends spent. */
export async function measured<T>(db: Db, serverPid: number | undefined, work: () => Promise<T>) {
  const server = serverPid === undefined ? 0 : processCpuSeconds(serverPid);
  const backends = await backendCpuByPid(db);
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const cost: RunCost = {
    seconds,
    serverCpu: serverPid === undefined ? 0 : processCpuSeconds(serverPid) - server,
    postgresCpu: postgresCpuBetween(backends, await backendCpuByPid(db)),
  };
  return { cost, result };
}

/**
 * Runs an operation from its start (Apply, or a revert) until it reports done, with the server's peak
 * RSS and how long the starting call (`bulk.execute`, `bulk.revert`) took to answer.
 */
async function runProduct(
  db: Db,
  server: ServerProcess,
  client: RosterClient,
  start: () => Promise<{ id: string; status: string }>,
) {
  let peak = server.rssMiB();
  const sampler = setInterval(() => {
    peak = Math.max(peak, server.rssMiB());
  }, 100);
  let startMs = 0;
  const { cost, result } = await measured(db, server.child.pid, async () => {
    const called = performance.now();
    let op = await start();
    startMs = performance.now() - called;
    while (op.status === 'queued' || op.status === 'running') {
      // As a progress bar would ask; each answer costs the server a request (auth, tRPC, compression).
      await new Promise((r) => setTimeout(r, 250));
      op = await client.bulk.get.query({ id: op.id });
    }
    return client.bulk.get.query({ id: op.id });
  });
  clearInterval(sampler);
  return {
    id: result.id,
    cost,
    startMs,
    peak: Math.max(peak, server.rssMiB()),
    status: result.status,
    changed: result.counts.change,
  };
}

const median = (values: number[]) => percentile(values, 50);

const medianCost = (costs: RunCost[]): RunCost => ({
  seconds: median(costs.map((c) => c.seconds)),
  serverCpu: median(costs.map((c) => c.serverCpu)),
  postgresCpu: median(costs.map((c) => c.postgresCpu)),
});

export const cpuOf = (c: RunCost) => c.serverCpu + c.postgresCpu;

/** Product and floor, in pairs run one after the other, each pair's product first. */
export type BulkResult = {
  operation: string;
  users: number;
  /** Every run, in the order run. */
  product: RunCost[];
  floor: RunCost[];
  /** How long the call that started each product run took to answer (`bulk.execute`, `bulk.revert`). */
  startMs: number[];
  peakRssMiB: number;
  status: string;
  /** The machine's load average (1, 5, 15 min) when the operation's pairs began and ended. */
  load: [string, string];
};

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** The operations the bulk bench measures. */
export const BULK_BENCH_KINDS = ['assign_role', 'deactivate', 'copy_access'] as const;
export type BulkBenchKind = (typeof BULK_BENCH_KINDS)[number];

/**
 * Assign role, deactivate (by filter) and copy access over `sizes` users, each beside its floor:
 * `pairs` pairs of product and floor interleaved (product, floor, product, floor…), so that a busy
 * spell of the shared machine falls on both; wall time and CPU seconds (server process and this
 * database's PostgreSQL backends) of each run, reported as medians. `kinds` runs some of them only.
 */
export async function benchBulk(
  client: RosterClient,
  server: ServerProcess,
  db: Db,
  sizes: number[],
  actorId: string,
  pairs = 3,
  kinds: readonly BulkBenchKind[] = BULK_BENCH_KINDS,
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
    for (const name of kinds) {
      const operation = operations[name] ?? { kind: 'deactivate' };
      const selection = selections[name] ?? { ids: [] };
      const applied: BulkResult = {
        operation: name,
        users: size,
        product: [],
        floor: [],
        startMs: [],
        peakRssMiB: 0,
        status: '',
        load: [loadAverage(), ''],
      };
      // The revert of the role change: the same writes the other way, so it stands beside the same floor.
      const reverted: BulkResult | null =
        name === 'assign_role'
          ? { ...applied, operation: `revert of ${name}`, product: [], startMs: [] }
          : null;
      const record = (into: BulkResult, run: Awaited<ReturnType<typeof runProduct>>) => {
        into.product.push(run.cost);
        into.startMs.push(run.startMs);
        into.peakRssMiB = Math.max(into.peakRssMiB, run.peak);
        into.status = `${run.status} (${run.changed.toLocaleString('en')} changed)`;
      };
      for (let pair = 0; pair < pairs; pair++) {
        await resetCohort(db, name, cohortRole);
        const product = await runProduct(db, server, client, () =>
          // The deactivation of the cohort is confirmed by its number, as the administrator types it.
          client.bulk.execute.mutate({ operationId: randomUUID(), operation, selection, confirmCount: size }),
        );
        record(applied, product);
        // The revert in the first pair only: it is not among the targets, and a run takes minutes.
        if (reverted && pair === 0) {
          await vacuumTables(db, BULK_TABLES);
          record(
            reverted,
            await runProduct(db, server, client, () =>
              client.bulk.revert.mutate({ operationId: randomUUID(), id: product.id }),
            ),
          );
        }
        await resetCohort(db, name, cohortRole);
        const floor = await measured(db, undefined, () =>
          runFloor(db, name, { cohortRole, contributorRole, sourceId: source.id, actorId }),
        );
        applied.floor.push(floor.cost);
        const last = applied.product.at(-1);
        if (last)
          console.log(
            `  ${name} × ${size.toLocaleString('en')} pair ${pair + 1}: product ${last.seconds.toFixed(1)} s, ${cpuOf(last).toFixed(1)} CPU-s (server ${last.serverCpu.toFixed(1)}, PostgreSQL ${last.postgresCpu.toFixed(1)}), Apply ${product.startMs.toFixed(0)} ms; floor ${floor.cost.seconds.toFixed(1)} s, ${cpuOf(floor.cost).toFixed(1)} CPU-s; ${applied.status}`,
          );
        const lastRevert = pair === 0 ? reverted?.product.at(-1) : undefined;
        if (lastRevert)
          console.log(
            `  revert of ${name} pair ${pair + 1}: ${lastRevert.seconds.toFixed(1)} s, ${cpuOf(lastRevert).toFixed(1)} CPU-s (server ${lastRevert.serverCpu.toFixed(1)}, PostgreSQL ${lastRevert.postgresCpu.toFixed(1)})`,
          );
      }
      applied.load[1] = loadAverage();
      results.push(applied);
      if (reverted) results.push({ ...reverted, floor: applied.floor, load: applied.load });
    }
  }
  // Leave the tenant as it was: the cohort back to active Readers, a slice at a time (one statement
  // for 100,000 users ran over ten minutes: the statement triggers' transition tables).
  await resetCohort(db, 'assign_role', readerRole);
  return results;
}

/** The markdown rows of the bulk section: medians of every pair, CPU-seconds beside wall time. */
export function bulkTableLines(results: BulkResult[]): string[] {
  const verdict = (ratio: number) => (ratio <= 1.5 ? 'met' : '**missed**');
  return [
    "| operation | users | pairs | product wall (s) | floor wall (s) | wall ratio | product CPU-s (server + PostgreSQL) | floor CPU-s | CPU ratio: of the medians / median of the pairs' | target CPU ≤ 1.5× (both) | Apply answered (ms) | server peak RSS (MiB) | load at start / end | outcome |",
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---|',
    ...results.map((r) => {
      const product = medianCost(r.product);
      const floor = medianCost(r.floor);
      const cpuRatio = cpuOf(product) / cpuOf(floor);
      // Each product beside its own floor: an outlier floor (the first run's, minutes long) lowers one
      // pair's ratio only, where it could carry the median floor.
      const pairRatios = r.product.flatMap((p, i) => {
        const f = r.floor[i];
        return f && r.product.length === r.floor.length ? [cpuOf(p) / cpuOf(f)] : [];
      });
      const pairRatio = pairRatios.length > 0 ? median(pairRatios) : cpuRatio;
      return `| ${r.operation} | ${r.users.toLocaleString('en')} | ${r.product.length} | ${product.seconds.toFixed(1)} | ${floor.seconds.toFixed(1)} | ${(product.seconds / floor.seconds).toFixed(2)} | ${cpuOf(product).toFixed(1)} (${product.serverCpu.toFixed(1)} + ${product.postgresCpu.toFixed(1)}) | ${cpuOf(floor).toFixed(1)} | ${cpuRatio.toFixed(2)} / ${pairRatio.toFixed(2)} | ${verdict(Math.max(cpuRatio, pairRatio))} | ${median(r.startMs).toFixed(0)} | ${r.peakRssMiB.toFixed(0)} | ${r.load[0]} / ${r.load[1]} | ${r.status} |`;
    }),
    '',
    'Every run (product, floor: wall s / CPU-s):',
    '',
    ...results.map(
      (r) =>
        `- ${r.operation}: ${r.product
          .map((p, i) => {
            const f = r.floor[i];
            return `${p.seconds.toFixed(1)} / ${cpuOf(p).toFixed(1)}${f ? ` beside ${f.seconds.toFixed(1)} / ${cpuOf(f).toFixed(1)}` : ''}`;
          })
          .join('; ')}; Apply ${r.startMs.map((ms) => ms.toFixed(0)).join(', ')} ms`,
    ),
  ];
}
