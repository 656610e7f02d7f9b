import { bulkOperations, type Db, users } from '@roster/db';
import { DomainError, type OperationView } from '@roster/domain';
import { eq } from 'drizzle-orm';

/** The operation as every bulk procedure returns it (SPEC §6). */
export const operationColumns = {
  id: bulkOperations.id,
  kind: bulkOperations.kind,
  status: bulkOperations.status,
  params: bulkOperations.params,
  selection: bulkOperations.selection,
  total: bulkOperations.total,
  processed: bulkOperations.processed,
  changed: bulkOperations.changed,
  skipped: bulkOperations.skipped,
  blocked: bulkOperations.blocked,
  failed: bulkOperations.failed,
  error: bulkOperations.error,
  sourceOperationId: bulkOperations.sourceOperationId,
  createdAt: bulkOperations.createdAt,
  startedAt: bulkOperations.startedAt,
  finishedAt: bulkOperations.finishedAt,
  actorId: users.id,
  actorEmail: users.email,
  actorFirstName: users.firstName,
  actorLastName: users.lastName,
};

type OperationRow = Awaited<ReturnType<typeof selectOperations>>[number];

export function selectOperations(db: Db) {
  return db
    .select(operationColumns)
    .from(bulkOperations)
    .innerJoin(users, eq(users.id, bulkOperations.actorId));
}

export function toOperationView(row: OperationRow): OperationView {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    params: row.params,
    selection: row.selection,
    total: row.total,
    processed: row.processed,
    counts: { change: row.changed, skip: row.skipped, blocked: row.blocked, failed: row.failed },
    error: row.error,
    sourceOperationId: row.sourceOperationId,
    actor: {
      id: row.actorId,
      email: row.actorEmail,
      name: `${row.actorFirstName} ${row.actorLastName}`.trim() || row.actorEmail,
    },
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

/** One operation as every bulk procedure returns it; `operation_not_found` when there is none. */
export async function getOperation(db: Db, id: string) {
  const [row] = await selectOperations(db).where(eq(bulkOperations.id, id));
  if (!row) throw new DomainError('operation_not_found');
  return toOperationView(row);
}
