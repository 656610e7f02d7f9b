import { bulkOperations, type Db, orgUnits, roles } from '@roster/db';
import {
  type BulkOperationKind,
  bulkResultsCsvWriter,
  bulkResultsFileName,
  type ChangeNames,
  changeNames,
} from '@roster/domain';
import { eq } from 'drizzle-orm';
import { loadResultPage } from './results';

const PAGE = 5_000;

/** An operation's results as a CSV file: the name to download it under, and its lines. */
export type BulkResultsCsv = { fileName: string; lines: AsyncGenerator<string> };

/** The names the changes of an operation of this kind may need (an import changes no existing user). */
async function loadChangeNames(db: Db, kind: BulkOperationKind): Promise<ChangeNames> {
  if (kind === 'import') return changeNames([], []);
  const [roleRows, unitRows] = await Promise.all([
    db.select({ id: roles.id, name: roles.name }).from(roles),
    db.select({ id: orgUnits.id, name: orgUnits.name }).from(orgUnits),
  ]);
  return changeNames(roleRows, unitRows);
}

/** The lines of the file, page by page (an operation may hold a million users). */
async function* resultLines(db: Db, operationId: string, kind: BulkOperationKind): AsyncGenerator<string> {
  const writer = bulkResultsCsvWriter(kind, await loadChangeNames(db, kind));
  yield writer.header;
  let cursor: number | undefined;
  do {
    const page = await loadResultPage(db, { id: operationId, cursor, limit: PAGE });
    yield page.items.map(writer.line).join('');
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/**
 * The per-user results of an operation as CSV (`bulkResultsCsvWriter`: the columns the CLI writes
 * too), under a name that says what and when (`assign-role-2026-12-02-1405.csv`); null when no
 * operation has this id.
 */
export async function bulkResultsCsv(db: Db, operationId: string): Promise<BulkResultsCsv | null> {
  const [operation] = await db
    .select({ kind: bulkOperations.kind, createdAt: bulkOperations.createdAt })
    .from(bulkOperations)
    .where(eq(bulkOperations.id, operationId));
  if (!operation) return null;
  return {
    fileName: bulkResultsFileName(operation.kind, operation.createdAt),
    lines: resultLines(db, operationId, operation.kind),
  };
}
