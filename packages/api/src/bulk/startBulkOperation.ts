import { bulkOperations, type Db, queryRows } from '@roster/db';
import {
  type BulkExecuteInput,
  DomainError,
  refuseUnconfirmedCount,
  type Selection,
  selectedByFilter,
} from '@roster/domain';
import { eq, type SQL, sql } from 'drizzle-orm';
import type { ApiConfig } from '../config';
import { refuseUnconfirmedAdministratorRoleMoves } from './administratorRoleMoves';
import { operationRule } from './batchRules';
import { canonicalJson } from './canonicalJson';
import { loadPlanContext } from './planContext';
import { type AlreadyRecorded, leaseOfQueued, type RecordedOperation, recordOnce } from './recordedOperation';
import {
  batchSizeFor,
  exceptedIds,
  exceptedMatching,
  filterSelectionConditions,
  unknownSelectedUsers,
} from './selection';
import { idsDigest, insertSelectionBatches, insertTickedBatches } from './selectionBatches';
import { uuidList } from './sqlLists';

export type StartInput = BulkExecuteInput;

/** The number and digest (`idsDigest`) of the ids `ids` selects, one uuid per row, each once. */
async function countAndDigest(db: Db, ids: SQL): Promise<{ count: number; digest: string }> {
  const [row] = await queryRows<{ count: number; digest: string }>(
    db,
    sql`select (select count(*) from (${ids}) as listed)::int as count, (${idsDigest(ids)}) as digest`,
  );
  return { count: row?.count ?? 0, digest: row?.digest ?? '' };
}

/** Each listed id once, as uuids (upper- or lower-case alike). */
const distinctIds = (ids: readonly string[]) => sql`select distinct id from unnest(${uuidList(ids)}) as id`;

/**
 * The selection as its operation records it, for the history and so that a retried Apply can be told
 * from another operation under the same id: ticked ids are kept as their number and a digest of the
 * set (the ids themselves are in the batches).
 */
async function recordedSelection(db: Db, selection: Selection) {
  if ('ids' in selection) return { kind: 'ids', ...(await countAndDigest(db, distinctIds(selection.ids))) };
  const except = exceptedIds(selection);
  return {
    kind: 'filter',
    filter: selection.filter,
    expectedCount: selection.expectedCount,
    ...(except.length ? { except: await countAndDigest(db, distinctIds(except)) } : {}),
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
  const isSameRequest = async (existing: AlreadyRecorded) =>
    existing.actorId === actorId &&
    canonicalJson(existing.params) === canonicalJson(input.operation) &&
    canonicalJson(existing.selection) === canonicalJson(await recordedSelection(db, input.selection));
  return recordOnce(db, input.operationId, isSameRequest, async () => {
    // Refuses unknown roles and source users before anything is written.
    const context = await loadPlanContext(db, input.operation, actorId, now, config);
    const rule = operationRule(input.operation, context);
    const conditions =
      'filter' in input.selection ? await filterSelectionConditions(db, input.selection, now) : undefined;
    return db.transaction(async (tx) => {
      // Ticked ids: their digest is taken from the batches once they are written, in this transaction.
      const selection =
        'ids' in input.selection ? { kind: 'ids' } : await recordedSelection(tx, input.selection);
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
      if (inserted.length === 0) return null;
      const batchSize = config.bulkBatchSize ?? batchSizeFor(input.operation.kind);
      let total: number;
      let recorded = selection;
      if ('ids' in input.selection) {
        if (input.selection.ids.length === 0) throw new DomainError('empty_selection');
        const ticked = await insertTickedBatches(tx, input.operationId, input.selection.ids, batchSize);
        if (ticked.found !== ticked.count) throw unknownSelectedUsers();
        total = ticked.count;
        recorded = { kind: 'ids', count: total, digest: ticked.digest };
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
      // Locking many people out is confirmed by their number, as the administrator typed it.
      refuseUnconfirmedCount(input.operation.kind, total, input.confirmCount);
      // Giving or taking the Administrator role is confirmed, decided on the selected users as they are.
      await refuseUnconfirmedAdministratorRoleMoves(
        tx,
        { id: input.operationId, kind: input.operation.kind },
        rule,
        context.role?.isAdmin ? { kind: 'everyone' } : null,
        now,
        input.confirmPrivileged,
      );
      await tx
        .update(bulkOperations)
        .set({ total, selection: recorded, leaseUntil: leaseOfQueued(total, now, config) })
        .where(eq(bulkOperations.id, input.operationId));
      return total;
    });
  });
}
