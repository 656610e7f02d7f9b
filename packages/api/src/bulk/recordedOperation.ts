import { bulkOperations, type Db } from '@roster/db';
import { DomainError } from '@roster/domain';
import { eq } from 'drizzle-orm';
import type { ApiConfig } from '../config';

/**
 * What recording an operation did: its id, and how many users (or rows) it queued, or `null` when it
 * had been recorded already under this id (a retried request: nothing new runs).
 */
export type RecordedOperation = { id: string; queued: number | null };

/** Operations of up to this many users finish inside the request that starts them. */
export const INLINE_MAX_USERS = 1_000;

/**
 * The lease a just-recorded operation of `total` users is queued with: a small one is its request's
 * to run (the workers leave it alone, as an operation another worker holds), until the lease runs
 * out should that request's process die first; a large one is the workers' at once.
 */
export function leaseOfQueued(total: number, now: Date, config: ApiConfig): Date | null {
  return total <= INLINE_MAX_USERS ? new Date(now.getTime() + config.bulkLeaseMs) : null;
}

/** What a retried request is compared with: the operation already recorded under its id. */
export type AlreadyRecorded = Pick<
  typeof bulkOperations.$inferSelect,
  'actorId' | 'kind' | 'params' | 'selection' | 'sourceOperationId'
>;

/**
 * Idempotency of every start path: a request under an id already recorded is answered with that
 * operation when it asks for the same thing (`isSameRequest`), and refused as `operation_conflict`
 * when it does not; `null` when the id is new.
 */
async function alreadyRecorded(
  db: Db,
  operationId: string,
  isSameRequest: (existing: AlreadyRecorded) => boolean | Promise<boolean>,
): Promise<RecordedOperation | null> {
  const [existing] = await db
    .select({
      actorId: bulkOperations.actorId,
      kind: bulkOperations.kind,
      params: bulkOperations.params,
      selection: bulkOperations.selection,
      sourceOperationId: bulkOperations.sourceOperationId,
    })
    .from(bulkOperations)
    .where(eq(bulkOperations.id, operationId));
  if (!existing) return null;
  if (!(await isSameRequest(existing))) throw new DomainError('operation_conflict');
  return { id: operationId, queued: null };
}

/**
 * Records an operation under `operationId` once, whatever the requests that carry it: a request
 * under an id already recorded is answered by `alreadyRecorded`; otherwise `record` writes it,
 * answering how many users (or rows) it queued, or `null` when its insert found the id taken after
 * all (another request under the same id, sent at the same time, recorded it first). That one is
 * then compared as a later retry is: this request's answer only when it asked for the same thing,
 * `operation_conflict` otherwise.
 */
export async function recordOnce(
  db: Db,
  operationId: string,
  isSameRequest: (existing: AlreadyRecorded) => boolean | Promise<boolean>,
  record: () => Promise<number | null>,
): Promise<RecordedOperation> {
  const recorded = await alreadyRecorded(db, operationId, isSameRequest);
  if (recorded) return recorded;
  const queued = await record();
  if (queued !== null) return { id: operationId, queued };
  const meanwhile = await alreadyRecorded(db, operationId, isSameRequest);
  if (!meanwhile) throw new DomainError('operation_conflict');
  return meanwhile;
}
