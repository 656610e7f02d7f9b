import { createHash } from 'node:crypto';
import { bulkOperations, type Db } from '@roster/db';
import { type BulkExecuteInput, DomainError, type Selection, selectedByFilter } from '@roster/domain';
import { eq, sql } from 'drizzle-orm';
import type { ApiConfig } from '../config';
import { refuseUnconfirmedAdministratorRoleMoves } from './administratorRoleMoves';
import { operationRule } from './batchRules';
import { canonicalJson } from './canonicalJson';
import { loadPlanContext } from './planContext';
import type { RecordedOperation } from './recordedOperation';
import {
  batchSizeFor,
  exceptedIds,
  exceptedMatching,
  filterSelectionConditions,
  unknownSelectedUsers,
} from './selection';
import { insertSelectionBatches, pickListedUsers } from './selectionBatches';

export type StartInput = BulkExecuteInput;

/**
 * The selection as its operation records it, for the history and so that a retried Apply can be told
 * from another operation under the same id: ticked ids are kept as their number and a digest of the
 * set (the ids themselves are in the batches).
 */
function recordedSelection(selection: Selection) {
  if ('ids' in selection) {
    const ids = [...new Set(selection.ids.map((id) => id.toLowerCase()))].sort();
    return { kind: 'ids', ...idsDigest(ids) };
  }
  const except = exceptedIds(selection).sort();
  return {
    kind: 'filter',
    filter: selection.filter,
    expectedCount: selection.expectedCount,
    ...(except.length ? { except: idsDigest(except) } : {}),
  };
}

/** A set of ids as its size and a digest: enough to tell one set from another. */
function idsDigest(sortedIds: string[]) {
  return {
    count: sortedIds.length,
    digest: createHash('sha256').update(sortedIds.join(',')).digest('hex'),
  };
}

/**
 * Apply: records the operation and its selection (as batches of user ids) in one transaction, for
 * `startOperation` to run. Idempotent on `operationId`: a retried apply records nothing new.
 */
export async function recordBulkOperation(
  db: Db,
  input: StartInput,
  actorId: string,
  now: Date,
  config: ApiConfig,
): Promise<RecordedOperation> {
  const [existing] = await db
    .select({
      kind: bulkOperations.kind,
      params: bulkOperations.params,
      selection: bulkOperations.selection,
      actorId: bulkOperations.actorId,
    })
    .from(bulkOperations)
    .where(eq(bulkOperations.id, input.operationId));
  const selection = recordedSelection(input.selection);
  if (existing) {
    if (
      existing.actorId !== actorId ||
      canonicalJson(existing.params) !== canonicalJson(input.operation) ||
      canonicalJson(existing.selection) !== canonicalJson(selection)
    ) {
      throw new DomainError('operation_conflict');
    }
    return { id: input.operationId, queued: null };
  }
  // Refuses unknown roles and source users before anything is written.
  const context = await loadPlanContext(db, input.operation, actorId, now, config);
  const rule = operationRule(input.operation, context);
  const conditions =
    'filter' in input.selection ? await filterSelectionConditions(db, input.selection, now) : undefined;
  const created = await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(bulkOperations)
      .values({
        id: input.operationId,
        kind: input.operation.kind,
        params: input.operation,
        selection,
        actorId,
        createdAt: now,
      })
      .onConflictDoNothing({ target: bulkOperations.id })
      .returning({ id: bulkOperations.id });
    if (inserted.length === 0) return false;
    const batchSize = config.bulkBatchSize ?? batchSizeFor(input.operation.kind);
    let total: number;
    if ('ids' in input.selection) {
      const ids = [...new Set(input.selection.ids.map((id) => id.toLowerCase()))];
      if (ids.length === 0) throw new DomainError('empty_selection');
      total = await insertSelectionBatches(tx, input.operationId, pickListedUsers(ids), batchSize);
      if (total !== ids.length) throw unknownSelectedUsers();
    } else {
      const selected = conditions?.selected;
      total = await insertSelectionBatches(
        tx,
        input.operationId,
        sql`select id, id as ord from users ${selected ? sql`where ${selected}` : sql``}`,
        batchSize,
      );
      // The admin saw how many users the filter matched, the ones they unticked included.
      const excepted = await exceptedMatching(tx, conditions);
      selectedByFilter(total + excepted, excepted, input.selection.expectedCount);
    }
    // Giving or taking the Administrator role is confirmed, decided on the selected users as they are.
    await refuseUnconfirmedAdministratorRoleMoves(
      tx,
      { id: input.operationId, kind: input.operation.kind },
      rule,
      context.role?.isAdmin ? { kind: 'everyone' } : null,
      now,
      input.confirmPrivileged,
    );
    await tx.update(bulkOperations).set({ total }).where(eq(bulkOperations.id, input.operationId));
    return total;
  });
  return { id: input.operationId, queued: created === false ? null : created };
}
