import { type Db, queryRows, sqlTime, sqlUuids } from '@roster/db';
import { isActiveAdministrator, type Plan, type PlanUser, type UserOutcome } from '@roster/domain';
import { sql } from 'drizzle-orm';
import { type ApplyContext, applyChanges, auditJson } from './applyChanges';
import { type BatchResult, inBatchTransaction } from './batchEnvelope';
import { loadPlanUsers } from './loadPlanUsers';
import { countActiveAdmins } from './planContext';

/** Serialises every batch that may lower the number of active administrators (any operation). */
const ADMIN_COUNT_LOCK = 7_201_001;

/** What a batch's users are decided by: an operation's rule, or the revert of another operation. */
export type BatchRule = {
  /** The audit action of each change. */
  action: string;
  /** Whether a change may remove an administrator (role or status changes). */
  mayChangeAdmins: boolean;
  /** The message of the invitations this rule sends. */
  invitationMessage?: string | undefined;
  /** Reads what deciding on this batch's users needs besides their own rows, and returns the decision. */
  prepare(
    tx: Db,
    batch: { userIds: string[]; sourcePositions: number[] | null },
  ): Promise<{
    withAccess: boolean;
    decide: (users: PlanUser[], activeAdminCount: number, now: Date) => Plan;
  }>;
};

/** Another batch holds the administrator lock: this one is run again, taking the lock first. */
class AdminLockBusy extends Error {}

type Batch = {
  batch_no: number;
  first_position: number;
  /** The users this transaction takes: the batch's first ones, or all of them. */
  user_ids: string[];
  source_positions: number[] | null;
  /** How many users the batch holds. */
  size: number;
};

export type BatchOptions = {
  /**
   * Take at most this many of the batch's users: they leave it with their results, the others stay
   * in it for the next transaction (the embedded database's slices, see `bulkSliceTargetMs`).
   */
  limit?: number | undefined;
  /** Take the administrator lock before locking any user (the retry of a batch that found it busy). */
  adminLockFirst?: boolean;
};

/**
 * One batch of an operation (or its first `limit` users), in one transaction: take the next batch of
 * its selection, lock its users, decide on the locked rows with the domain rule, write the changes,
 * their audit events and the per-user results, move the counters and drop the batch (or the users
 * taken from it). A crash anywhere rolls the whole transaction back, so each user is processed
 * exactly once.
 */
export async function processBatch(
  db: Db,
  operationId: string,
  rule: BatchRule,
  apply: Omit<ApplyContext, 'operationId' | 'emails' | 'now'>,
  now: Date,
  options: BatchOptions = {},
): Promise<BatchResult> {
  const { config } = apply;
  const { limit, adminLockFirst = false } = options;
  const taking = limit === undefined ? sql`` : sql`[1:${limit}::int]`;
  try {
    return await inBatchTransaction(
      db,
      { id: operationId, now, leaseMs: config.bulkLeaseMs },
      // SKIP LOCKED: batches of one operation in flight at once each take their own.
      async (tx) => {
        const [batch] = await queryRows<Batch>(
          tx,
          sql`select batch_no, first_position, (user_ids${taking})::text[] as user_ids,
              source_positions${taking} as source_positions, cardinality(user_ids)::int as size
            from bulk_operation_batches
            where operation_id = ${operationId} order by batch_no limit 1 for update skip locked`,
        );
        return batch;
      },
      async (tx, batch) => {
        const ids = batch.user_ids;
        if (adminLockFirst) await tx.execute(sql`select pg_advisory_xact_lock(${ADMIN_COUNT_LOCK})`);
        const { withAccess, decide } = await rule.prepare(tx, {
          userIds: ids,
          sourcePositions: batch.source_positions,
        });
        // The users' rows are locked as they are read: every decision below is made on locked rows.
        const users = await loadPlanUsers(tx, ids, withAccess, { lock: true });
        // Only a batch that holds an active administrator can lower their number. Such a batch takes the
        // lock (or, if another batch has it, starts again waiting for it: never waiting while it holds
        // row locks, so two batches cannot deadlock); the others run side by side.
        if (rule.mayChangeAdmins && !adminLockFirst && users.some(isActiveAdministrator)) {
          const [got] = await queryRows<{ ok: boolean }>(
            tx,
            sql`select pg_try_advisory_xact_lock(${ADMIN_COUNT_LOCK}) as ok`,
          );
          if (!got?.ok) throw new AdminLockBusy();
        }
        const { outcomes } = decide(users, await countActiveAdmins(tx), now);
        const byUser = new Map<string, UserOutcome>(outcomes.map((o) => [o.userId, o]));
        const emails = new Map(users.map((u) => [u.id, u.email]));
        // Every change bumps the version once (a change names a role, a status or access, never two).
        const versions = new Map(users.map((u) => [u.id, u.version + 1]));
        const changes = outcomes.flatMap((o) => (o.outcome === 'change' ? [o] : []));
        await applyChanges(tx, changes, {
          ...apply,
          operationId,
          now,
          emails,
          invitationMessage: rule.invitationMessage,
        });
        if (changes.length) {
          await tx.execute(sql`
            insert into audit_events (at, actor_id, user_id, operation_id, action, before, after)
            select ${sqlTime(now)}, ${apply.actor.id}, x.user_id, ${operationId}, ${rule.action}, x.b::jsonb, x.a::jsonb
            from unnest(${sqlUuids(changes.map((c) => c.userId))}, ${sql.param(changes.map((c) => auditJson(c.before)))}::text[],
              ${sql.param(changes.map((c) => auditJson(c.after)))}::text[]) as x(user_id, b, a)`);
        }
        // The per-user results are written once, as they are decided; a revert's results take the
        // positions of the operation it reverts (so that its own retry finds what to give back).
        const results = ids.map((userId) => {
          const o = byUser.get(userId);
          if (!o)
            return { outcome: 'failed', reason: 'user_not_found', before: null, after: null, version: null };
          return o.outcome === 'change'
            ? {
                outcome: 'change',
                reason: null,
                before: auditJson(o.before),
                after: auditJson(o.after),
                version: versions.get(userId) ?? null,
              }
            : { outcome: o.outcome, reason: o.reason, before: null, after: null, version: null };
        });
        await tx.execute(sql`
          insert into bulk_operation_items (operation_id, position, user_id, email, outcome, reason, before, after, version, processed_at)
          select ${operationId}, coalesce(x.source_position, ${batch.first_position} + x.n - 1), x.user_id, x.email, x.outcome::outcome, x.reason, x.b::jsonb, x.a::jsonb, x.version, ${sqlTime(now)}
          from unnest(${sqlUuids(ids)}, ${sql.param(ids.map((id) => emails.get(id) ?? null))}::text[],
            ${sql.param(results.map((r) => r.outcome))}::text[], ${sql.param(results.map((r) => r.reason))}::text[],
            ${sql.param(results.map((r) => r.before))}::text[], ${sql.param(results.map((r) => r.after))}::text[],
            ${sql.param(results.map((r) => r.version))}::int[], ${sql.param(batch.source_positions ?? ids.map(() => null))}::int[])
            with ordinality as x(user_id, email, outcome, reason, b, a, version, source_position, n)`);
        await releaseTakenUsers(tx, operationId, batch);
        const result: BatchResult = {
          processed: results.length,
          changed: changes.length,
          skipped: results.filter((r) => r.outcome === 'skip').length,
          blocked: results.filter((r) => r.outcome === 'blocked').length,
          failed: results.filter((r) => r.outcome === 'failed').length,
        };
        return result;
      },
    );
  } catch (error) {
    if (adminLockFirst || !(error instanceof AdminLockBusy)) throw error;
    return processBatch(db, operationId, rule, apply, now, { ...options, adminLockFirst: true });
  }
}

/**
 * The users just processed leave their batch: the whole batch when they were all of it, else its
 * first ones, the next user's result position becoming the batch's first.
 */
async function releaseTakenUsers(tx: Db, operationId: string, batch: Batch): Promise<void> {
  const taken = batch.user_ids.length;
  if (taken >= batch.size) {
    await tx.execute(
      sql`delete from bulk_operation_batches where operation_id = ${operationId} and batch_no = ${batch.batch_no}`,
    );
    return;
  }
  await tx.execute(sql`update bulk_operation_batches
    set user_ids = user_ids[${taken + 1}::int:], source_positions = source_positions[${taken + 1}::int:],
      first_position = first_position + ${taken}::int
    where operation_id = ${operationId} and batch_no = ${batch.batch_no}`);
}
