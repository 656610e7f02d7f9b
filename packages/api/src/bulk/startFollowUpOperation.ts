import { bulkOperations, type Db } from '@roster/db';
import {
  bulkOperationSchema,
  canRetry,
  canRevert,
  DomainError,
  type FollowUpInput,
  followUpSelectionSchema,
  isFollowUpSourceUnfinished,
  revertParamsSchema,
} from '@roster/domain';
import { eq, sql } from 'drizzle-orm';
import type { ApiConfig } from '../config';
import { scimMinuteOpenedAt } from '../scim/scimMinuteOperation';
import {
  type AdministratorRoleGivers,
  refuseUnconfirmedAdministratorRoleMoves,
} from './administratorRoleMoves';
import { adminRoleIds } from './adminRoleIds';
import { operationRule, revertRule } from './batchRules';
import { loadPlanContext } from './planContext';
import type { BatchRule } from './processBatch';
import { type AlreadyRecorded, leaseOfQueued, type RecordedOperation, recordOnce } from './recordedOperation';
import { batchSizeFor } from './selection';
import { insertSelectionBatches, pickChangedUsers, takeFailedUsers } from './selectionBatches';

/**
 * The operation a revert or retry follows, refused as the whole request when it does not exist, has
 * not finished (a SCIM token's operation of single writes: not before its minute has passed), or is
 * of a kind that cannot be reverted (or retried).
 */
export async function finishedSourceOperation(db: Db, id: string, mode: 'revert' | 'retry', now: Date) {
  const [source] = await db
    .select({
      id: bulkOperations.id,
      kind: bulkOperations.kind,
      params: bulkOperations.params,
      status: bulkOperations.status,
      createdAt: bulkOperations.createdAt,
    })
    .from(bulkOperations)
    .where(eq(bulkOperations.id, id));
  if (!source) throw new DomainError('operation_not_found');
  if (isFollowUpSourceUnfinished({ status: source.status, scimMinute: scimMinuteOpenedAt(source) }, now))
    throw new DomainError('operation_not_finished');
  if (mode === 'revert' && !canRevert(source.kind)) throw new DomainError('not_revertible');
  if (mode === 'retry' && !canRetry(source.kind)) throw new DomainError('not_retryable');
  return source;
}

/**
 * Revert (the changed users of a finished operation, given back as they were) or retry (its failed
 * users, run again with the same parameters), as a new bulk operation with the same durability,
 * results and audit as any other.
 */
export async function recordFollowUpOperation(
  db: Db,
  mode: 'revert' | 'retry',
  input: FollowUpInput,
  actorId: string,
  now: Date,
  config: ApiConfig,
): Promise<RecordedOperation> {
  const isSameRequest = (existing: AlreadyRecorded) => {
    const follows = followUpSelectionSchema.safeParse(existing.selection);
    return (
      existing.actorId === actorId &&
      existing.sourceOperationId === input.id &&
      follows.success &&
      follows.data.kind === mode
    );
  };
  return recordOnce(db, input.operationId, isSameRequest, async () => {
    const source = await finishedSourceOperation(db, input.id, mode, now);
    // What an Apply refuses, a retry refuses too: a role or source user gone since, an unconfirmed
    // promotion or demotion. A revert (or the retry of one) may give the Administrator role back or
    // take it away: confirmed too, decided by the revert's own rule as its preview decides it.
    const revertOf =
      mode === 'revert'
        ? input.id
        : source.kind === 'revert'
          ? revertParamsSchema.parse(source.params).operationId
          : null;
    let rule: BatchRule;
    let givers: AdministratorRoleGivers;
    if (revertOf) {
      rule = revertRule(revertOf, {
        actorId,
        invitationTtlMs: config.invitationTtlDays * 86_400_000,
        adminRoleIds: await adminRoleIds(db),
      });
      givers = { kind: 'revert', revertOf };
    } else {
      const operation = bulkOperationSchema.parse(source.params);
      const context = await loadPlanContext(db, operation, actorId, now, config);
      rule = operationRule(operation, context);
      givers = context.role?.isAdmin ? { kind: 'everyone' } : null;
    }

    const kind = mode === 'revert' ? ('revert' as const) : source.kind;
    const params = mode === 'revert' ? { kind: 'revert' as const, operationId: input.id } : source.params;
    return db.transaction(async (tx) => {
      const inserted = await tx
        .insert(bulkOperations)
        .values({
          id: input.operationId,
          kind,
          params,
          selection: { kind: mode, operationId: input.id },
          actorId,
          sourceOperationId: input.id,
          createdAt: now,
        })
        .onConflictDoNothing({ target: bulkOperations.id })
        .returning({ id: bulkOperations.id });
      if (inserted.length === 0) return null;
      // The source is locked before its users are picked: retries of one operation start one at a
      // time, so they take its failed users in turn; and a SCIM write that joins a token's operation
      // of the minute (locking it too) either commits first, and is picked, or then finds the
      // operation followed up and goes to the minute's next one (`scimMinuteOperationTakesWrites`).
      await tx.execute(sql`select 1 from bulk_operations where id = ${input.id} for update`);
      const n = await insertSelectionBatches(
        tx,
        input.operationId,
        mode === 'revert' ? pickChangedUsers(input.id) : takeFailedUsers(input.id, input.operationId),
        config.bulkBatchSize ?? batchSizeFor(kind),
        kind === 'revert',
      );
      if (n === 0) throw new DomainError(mode === 'revert' ? 'nothing_to_revert' : 'nothing_to_retry');
      await refuseUnconfirmedAdministratorRoleMoves(
        tx,
        { id: input.operationId, kind },
        rule,
        givers,
        now,
        input.confirmPrivileged,
      );
      await tx
        .update(bulkOperations)
        .set({ total: n, leaseUntil: leaseOfQueued(n, now, config) })
        .where(eq(bulkOperations.id, input.operationId));
      return n;
    });
  });
}
