import { type Db, queryRows } from '@roster/db';
import {
  type AuditAction,
  isActiveAdministrator,
  type Plan,
  type PlanUser,
  type UserOutcome,
} from '@roster/domain';
import { sql } from 'drizzle-orm';
import { type ApplyContext, applyChanges } from './applyChanges';
import {
  type BatchResult,
  type BatchRun,
  cancelRequestedColumn,
  inBatchTransaction,
  type TakenBatch,
} from './batchEnvelope';
import { loadPlanUsers } from './loadPlanUsers';
import { countActiveAdmins } from './planContext';
import { writeBatchResults } from './writeBatchResults';

/** Serialises every batch that may lower the number of active administrators (any operation). */
const ADMIN_COUNT_LOCK = 7_201_001;

/** What a batch's users are decided by: an operation's rule, or the revert of another operation. */
export type BatchRule = {
  /** The audit action of each change (a code of the domain's vocabulary). */
  action: AuditAction;
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

/** A batch as read: its users' ids as one text, comma-separated. */
type TakenRow = Omit<Batch, 'user_ids'> & { user_ids: string };

/** Another batch holds the administrator lock: this one is run again, taking the lock first. */
class AdminLockBusy extends Error {}

type Batch = TakenBatch & {
  batch_no: number;
  first_position: number;
  /** The users this transaction takes: the batch's first ones, or all of them. */
  user_ids: string[];
  source_positions: number[] | null;
  /** How many users the batch holds. */
  size: number;
};

export type BatchOptions = BatchRun & {
  /** Take the administrator lock before locking any user (the retry of a batch that found it busy). */
  adminLockFirst?: boolean;
};

/**
 * One batch of an operation (or its first `limit` users), in one transaction: take the next batch of
 * its selection, lock its users, decide on the locked rows with the domain rule, write the changes,
 * their effects, audit events and the per-user results, move the counters and drop the batch (or the
 * users taken from it). A crash anywhere rolls the whole transaction back, so each user is processed
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
  const { limit, whenTallied, adminLockFirst = false } = options;
  const taking = limit === undefined ? sql`` : sql`[1:${limit}::int]`;
  try {
    return await inBatchTransaction(
      db,
      { id: operationId, now, leaseMs: config.bulkLeaseMs, whenTallied },
      // SKIP LOCKED: batches of one operation in flight at once each take their own.
      async (tx) => {
        // The ids as one text, split here: as a text[] they were parsed element by element in JavaScript.
        const [taken] = await queryRows<TakenRow>(
          tx,
          sql`select batch_no, first_position, array_to_string(user_ids${taking}, ',') as user_ids,
              source_positions${taking} as source_positions, cardinality(user_ids)::int as size,
              ${cancelRequestedColumn(operationId)}
            from bulk_operation_batches
            where operation_id = ${operationId} order by batch_no limit 1 for update skip locked`,
        );
        return taken && { ...taken, user_ids: taken.user_ids === '' ? [] : taken.user_ids.split(',') };
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
        const byId = new Map(users.map((u) => [u.id, u]));
        await applyChanges(
          tx,
          outcomes.flatMap((o) => (o.outcome === 'change' ? [o] : [])),
          {
            ...apply,
            operationId,
            now,
            emails: new Map(users.map((u) => [u.id, u.email])),
            invitationMessage: rule.invitationMessage,
          },
        );
        // The per-user results, in the batch's order, and the audit events of its changes.
        const result = await writeBatchResults(tx, {
          operationId,
          actorId: apply.actor.id,
          action: rule.action,
          now,
          userIds: ids,
          firstPosition: batch.first_position,
          sourcePositions: batch.source_positions,
          outcomes: new Map<string, UserOutcome>(outcomes.map((o) => [o.userId, o])),
          users: byId,
        });
        await releaseTakenUsers(tx, operationId, batch);
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
