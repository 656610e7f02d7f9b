import { bulkOperations, type Db } from '@roster/db';
import { type BulkOperationStatus, DomainError, type ImportParams, importParamsSchema } from '@roster/domain';
import { eq } from 'drizzle-orm';

/**
 * The import `operationId` of this admin, its row locked: `share` while previewed chunks are stored
 * side by side, `update` for the commit (which so waits for them). Null when there is none; another
 * kind of operation, or another admin's import, under that id is an `operation_conflict`.
 */
export async function lockImportOperation(
  db: Db,
  operationId: string,
  actorId: string,
  strength: 'share' | 'update',
): Promise<{ status: BulkOperationStatus; params: ImportParams } | null> {
  const [operation] = await db
    .select({
      kind: bulkOperations.kind,
      params: bulkOperations.params,
      actorId: bulkOperations.actorId,
      status: bulkOperations.status,
    })
    .from(bulkOperations)
    .where(eq(bulkOperations.id, operationId))
    .for(strength);
  if (!operation) return null;
  const params = importParamsSchema.safeParse(operation.params);
  if (operation.kind !== 'import' || operation.actorId !== actorId || !params.success) {
    throw new DomainError('operation_conflict');
  }
  return { status: operation.status, params: params.data };
}
