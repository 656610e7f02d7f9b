import { bulkOperations, type Db, queryRows } from '@roster/db';
import {
  bulkOperationSchema,
  canRetry,
  canRevert,
  DomainError,
  followUpSelectionSchema,
  isOperationUnfinished,
  revertParamsSchema,
} from '@roster/domain';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { ApiConfig } from '../config';
import { adminRoleIds } from './adminRoleIds';
import { assignsAdministratorRole, loadPlanContext } from './planContext';
import { runInsideRequestWhenSmall } from './runOperation';
import { batchSizeFor } from './selection';
import { insertSelectionBatches, pickOperationUsers } from './selectionBatches';
import { getOperation } from './startBulkOperation';

/** `bulk.revert` and `bulk.retry`: a new operation (idempotent on `operationId`) that follows `id`. */
export const followUpInputSchema = z
  .object({
    /** The client-generated id of the new operation (its idempotency key). */
    operationId: z.uuid(),
    /** The finished operation to revert, or whose failed users to retry. */
    id: z.uuid(),
    confirmPrivileged: z.boolean().optional(),
  })
  .strict();
export type FollowUpInput = z.infer<typeof followUpInputSchema>;

/** Whether any user would get an administrator role back: the same typed confirmation as assigning it. */
async function revertGrantsAdmin(db: Db, sourceId: string): Promise<boolean> {
  const admins = [...(await adminRoleIds(db))];
  if (admins.length === 0) return false;
  const [row] = await queryRows<{ yes: boolean }>(
    db,
    sql`select exists(select 1 from bulk_operation_items where operation_id = ${sourceId} and outcome = 'change'
          and before->>'roleId' = any(${sql.param(admins)}::text[])) as yes`,
  );
  return row?.yes ?? false;
}

/**
 * The operation a revert or retry follows, refused as the whole request when it does not exist, has
 * not finished, or is of a kind that cannot be reverted (or retried).
 */
export async function finishedSourceOperation(db: Db, id: string, mode: 'revert' | 'retry') {
  const [source] = await db
    .select({ kind: bulkOperations.kind, params: bulkOperations.params, status: bulkOperations.status })
    .from(bulkOperations)
    .where(eq(bulkOperations.id, id));
  if (!source) throw new DomainError('operation_not_found');
  if (isOperationUnfinished(source.status)) throw new DomainError('operation_not_finished');
  if (mode === 'revert' && !canRevert(source.kind)) throw new DomainError('not_revertible');
  if (mode === 'retry' && !canRetry(source.kind)) throw new DomainError('not_retryable');
  return source;
}

/**
 * Revert (the changed users of a finished operation, given back as they were) or retry (its failed
 * users, run again with the same parameters), as a new bulk operation with the same durability,
 * results and audit as any other.
 */
export async function startFollowUpOperation(
  db: Db,
  mode: 'revert' | 'retry',
  input: FollowUpInput,
  actorId: string,
  now: Date,
  config: ApiConfig,
) {
  const [existing] = await db
    .select({
      actorId: bulkOperations.actorId,
      sourceOperationId: bulkOperations.sourceOperationId,
      selection: bulkOperations.selection,
    })
    .from(bulkOperations)
    .where(eq(bulkOperations.id, input.operationId));
  if (existing) {
    const follows = followUpSelectionSchema.safeParse(existing.selection);
    if (
      existing.actorId !== actorId ||
      existing.sourceOperationId !== input.id ||
      !follows.success ||
      follows.data.kind !== mode
    ) {
      throw new DomainError('operation_conflict');
    }
    return getOperation(db, input.operationId);
  }
  const source = await finishedSourceOperation(db, input.id, mode);
  // What an Apply refuses, a retry refuses too: a role or source user gone since, an unconfirmed
  // promotion. A revert (or the retry of one) may give the Administrator role back: confirmed too.
  const revertOf =
    mode === 'revert'
      ? input.id
      : source.kind === 'revert'
        ? revertParamsSchema.parse(source.params).operationId
        : null;
  let grantsAdmin: boolean;
  if (revertOf) grantsAdmin = await revertGrantsAdmin(db, revertOf);
  else {
    const operation = bulkOperationSchema.parse(source.params);
    await loadPlanContext(db, operation, actorId, now, config);
    grantsAdmin = await assignsAdministratorRole(db, operation);
  }
  if (grantsAdmin && !input.confirmPrivileged) throw new DomainError('confirmation_required');

  const kind = mode === 'revert' ? ('revert' as const) : source.kind;
  const params = mode === 'revert' ? { kind: 'revert' as const, operationId: input.id } : source.params;
  const total = await db.transaction(async (tx) => {
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
    const n = await insertSelectionBatches(
      tx,
      input.operationId,
      pickOperationUsers(input.id, mode === 'revert' ? 'change' : 'failed'),
      config.bulkBatchSize ?? batchSizeFor(kind),
      kind === 'revert',
    );
    if (n === 0) throw new DomainError(mode === 'revert' ? 'nothing_to_revert' : 'nothing_to_retry');
    await tx.update(bulkOperations).set({ total: n }).where(eq(bulkOperations.id, input.operationId));
    return n;
  });
  if (total !== null) await runInsideRequestWhenSmall(db, config, now, input.operationId, total);
  return getOperation(db, input.operationId);
}
