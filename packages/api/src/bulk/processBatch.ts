import { type Db, queryRows, sqlTime } from '@roster/db';
import { type BulkOperation, type PlanContext, planBulkOperation, type UserOutcome } from '@roster/domain';
import { sql } from 'drizzle-orm';
import type { ApiConfig } from '../config';
import { type ApplyContext, applyChanges, auditJson } from './applyChanges';
import { loadPlanUsers } from './loadPlanUsers';
import { countActiveAdmins } from './planContext';
import { BULK_BATCH_SIZE } from './selection';

/** Serialises every change that can alter the number of active administrators (any operation). */
const ADMIN_COUNT_LOCK = 7_201_001;
const CAN_CHANGE_ADMINS = new Set<BulkOperation['kind']>(['assign_role', 'deactivate', 'reactivate']);

export type BatchResult = {
  /** The position of the last item of the batch: the next batch starts after it. */
  lastPosition: number;
  processed: number;
  changed: number;
  skipped: number;
  blocked: number;
  failed: number;
};

export const NOTHING_LEFT: BatchResult = {
  lastPosition: 0,
  processed: 0,
  changed: 0,
  skipped: 0,
  blocked: 0,
  failed: 0,
};

/**
 * One batch of an operation, in one transaction: claim the next pending items, lock their users,
 * decide on the locked rows with the domain rule, write the changes, their audit events and the
 * per-user results, and move the counters. A crash anywhere rolls the whole batch back, so each
 * user is processed exactly once. Items are taken in position order after `after` (the last
 * position of the previous batch), so a batch never walks over the items already done.
 */
export async function processBatch(
  db: Db,
  operation: { id: string; params: BulkOperation },
  plan: Omit<PlanContext, 'activeAdminCount' | 'now'>,
  apply: Omit<ApplyContext, 'operationId' | 'emails' | 'now'>,
  now: Date,
  config: ApiConfig,
  batchSize = BULK_BATCH_SIZE,
  after = 0,
): Promise<BatchResult> {
  return db.transaction(async (tx) => {
    const items = await queryRows<{ position: number; user_id: string | null }>(
      tx,
      sql`select position, user_id from bulk_operation_items
          where operation_id = ${operation.id} and position > ${after} and outcome is null
          order by position limit ${batchSize} for update skip locked`,
    );
    if (items.length === 0) return NOTHING_LEFT;
    const ids = items.flatMap((i) => (i.user_id ? [i.user_id] : []));
    if (CAN_CHANGE_ADMINS.has(operation.params.kind)) {
      await tx.execute(sql`select pg_advisory_xact_lock(${ADMIN_COUNT_LOCK})`);
    }
    // The users' rows are locked as they are read: every decision below is made on locked rows.
    const users = await loadPlanUsers(tx, ids, operation.params.kind === 'copy_access', { lock: true });
    const decided = planBulkOperation(operation.params, users, {
      ...plan,
      now,
      activeAdminCount: await countActiveAdmins(tx),
    });
    const byUser = new Map<string, UserOutcome>(decided.outcomes.map((o) => [o.userId, o]));
    const changes = decided.outcomes.filter((o) => o.outcome === 'change');
    await applyChanges(tx, operation.params, changes, {
      ...apply,
      operationId: operation.id,
      now,
      emails: new Map(users.map((u) => [u.id, u.email])),
    });
    if (changes.length) {
      await tx.execute(sql`
        insert into audit_events (at, actor_id, user_id, operation_id, action, before, after)
        select ${sqlTime(now)}, ${apply.actor.id}, x.user_id, ${operation.id}, ${`user.${operation.params.kind}`}, x.b::jsonb, x.a::jsonb
        from unnest(${sql.param(changes.map((c) => c.userId))}::uuid[], ${sql.param(changes.map((c) => auditJson(c.before)))}::text[],
          ${sql.param(changes.map((c) => auditJson(c.after)))}::text[]) as x(user_id, b, a)`);
    }
    const results = items.map((item) => {
      const o = item.user_id ? byUser.get(item.user_id) : undefined;
      if (!o)
        return {
          position: item.position,
          outcome: 'failed',
          reason: 'user_not_found',
          before: null,
          after: null,
        };
      return o.outcome === 'change'
        ? {
            position: item.position,
            outcome: 'change',
            reason: null,
            before: auditJson(o.before),
            after: auditJson(o.after),
          }
        : { position: item.position, outcome: o.outcome, reason: o.reason, before: null, after: null };
    });
    await tx.execute(sql`
      update bulk_operation_items i set outcome = x.outcome::outcome, reason = x.reason, before = x.b::jsonb, after = x.a::jsonb, processed_at = ${sqlTime(now)}
      from unnest(${sql.param(results.map((r) => r.position))}::int[], ${sql.param(results.map((r) => r.outcome))}::text[],
        ${sql.param(results.map((r) => r.reason))}::text[], ${sql.param(results.map((r) => r.before))}::text[],
        ${sql.param(results.map((r) => r.after))}::text[]) as x(position, outcome, reason, b, a)
      where i.operation_id = ${operation.id} and i.position = x.position`);
    const result: BatchResult = {
      lastPosition: items.at(-1)?.position ?? after,
      processed: results.length,
      changed: changes.length,
      skipped: results.filter((r) => r.outcome === 'skip').length,
      blocked: results.filter((r) => r.outcome === 'blocked').length,
      failed: results.filter((r) => r.outcome === 'failed').length,
    };
    await tx.execute(sql`update bulk_operations set processed = processed + ${result.processed},
        changed = changed + ${result.changed}, skipped = skipped + ${result.skipped}, blocked = blocked + ${result.blocked},
        failed = failed + ${result.failed}, lease_until = ${sqlTime(new Date(now.getTime() + config.bulkLeaseMs))}
      where id = ${operation.id}`);
    return result;
  });
}
