import {
  bulkOperations,
  type Db,
  insertNewRowsFirst,
  queryRows,
  sqlJsonRecords,
  sqlTime,
  sqlUuids,
} from '@roster/db';
import {
  countImportOutcomes,
  DomainError,
  decideImportRow,
  type ImportFile,
  type ImportParams,
  type ImportPreviewInput,
  type ImportRowResult,
  importRowCreatesAdministrator,
  importRowHasEmail,
  storableImportRowInput,
  validateImportRows,
} from '@roster/domain';
import { sql } from 'drizzle-orm';
import { canonicalJson } from '../bulk/canonicalJson';
import { loadImportLookups } from './importLookups';
import { lockImportOperation } from './lockImportOperation';

/** A previewed import nobody commits is dropped, with its rows, after this long. */
export const IMPORT_PREVIEW_TTL_MS = 24 * 60 * 60 * 1000;

/** The file part of an import's recorded parameters. */
function fileOf(params: ImportParams): ImportFile {
  return { fileSha256: params.fileSha256, fileName: params.fileName, totalRows: params.totalRows };
}

/**
 * `imports.preview`, one chunk: every row with its verdict, the file's rules re-run here and then
 * checked against the database. The chunk's rows are kept for the import `operationId` (a bulk
 * operation `receiving` its rows), so that `imports.commit` sends none again. A duplicate across
 * chunks is the browser's to mark (it holds the whole file); the run decides it again on the server.
 *
 * The answer lists only the rows that will not simply be created (skips, errors, and creations of
 * administrators, which the commit asks to confirm): every other row of the chunk is a `create`.
 */
export async function previewImport(db: Db, input: ImportPreviewInput, actorId: string, now: Date) {
  const validated = validateImportRows(input.rows);
  const [lookups] = await Promise.all([
    loadImportLookups(db, validated),
    stageChunk(db, input, validated, actorId, now),
  ]);
  const emailsOfChunk = new Set(validated.map((r) => r.email));
  const facts = { ...lookups, isEmailOfThisImport: (email: string) => emailsOfChunk.has(email) };
  const decided = validated.map((row) => decideImportRow(row, facts));
  return {
    rows: decided.flatMap((row) => {
      /** Creates a user with the Administrator role: the commit asks for confirmation. */
      const privileged = importRowCreatesAdministrator(row, facts);
      if (row.outcome === 'create' && !privileged) return [];
      return [
        {
          line: row.line,
          outcome: row.outcome,
          reason: row.reason,
          detail: row.detail,
          email: row.email,
          privileged,
        },
      ];
    }),
    counts: countImportOutcomes(decided),
  };
}

/**
 * Keeps a chunk's rows as the items of the import's operation, recorded (`receiving`) by its first
 * chunk. A chunk sent again stores nothing twice, nor does one of an import already committed; a
 * chunk of another file or of another admin is refused.
 */
async function stageChunk(
  db: Db,
  input: ImportPreviewInput,
  validated: readonly ImportRowResult[],
  actorId: string,
  now: Date,
): Promise<void> {
  const params: ImportParams = { kind: 'import', invite: false, ...input.file };
  const created = await db.transaction(async (tx) => {
    const recorded = await tx
      .insert(bulkOperations)
      .values({
        id: input.operationId,
        kind: 'import',
        params,
        selection: { kind: 'import', rows: params.totalRows },
        actorId,
        status: 'receiving',
        total: params.totalRows,
        fileSha256: params.fileSha256,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: bulkOperations.id });
    const operation = await lockImportOperation(tx, input.operationId, actorId, 'share');
    if (!operation || canonicalJson(fileOf(operation.params)) !== canonicalJson(fileOf(params))) {
      throw new DomainError('operation_conflict');
    }
    // An import committed already (a command run again with its id) keeps the rows it has.
    if (operation.status !== 'receiving') return false;
    // The position of a row is its line in the file: unique, in file order, and the same on a retry.
    // Only a row with a valid e-mail keeps its e-mail: only such a row makes a later one a duplicate.
    const staged = input.rows.map((r, i) => {
      const row = validated[i];
      return {
        line: r.line,
        email: row && importRowHasEmail(row) ? row.email : null,
        input: storableImportRowInput(r),
      };
    });
    // A chunk sent again (a retry) finds its rows there: they are skipped.
    await insertNewRowsFirst(tx, (executor, skipConflicts) =>
      executor.execute(sql`
        insert into bulk_operation_items (operation_id, position, email, input)
        select ${input.operationId}, x.line, x.email, x.input
        from ${sqlJsonRecords(staged)} as x(line int, email text, input json)
        ${skipConflicts ? sql`on conflict do nothing` : sql``}`),
    );
    return recorded.length > 0;
  });
  if (created) await dropStalePreviews(db, now);
}

/** Removes the previews that were never committed and are older than IMPORT_PREVIEW_TTL_MS. */
async function dropStalePreviews(db: Db, now: Date): Promise<void> {
  const cutoff = new Date(now.getTime() - IMPORT_PREVIEW_TTL_MS);
  await db.transaction(async (tx) => {
    const stale = await queryRows<{ id: string }>(
      tx,
      sql`select id from bulk_operations
        where kind = 'import' and status = 'receiving' and created_at < ${sqlTime(cutoff)}
        for update skip locked`,
    );
    if (stale.length === 0) return;
    const ids = sqlUuids(stale.map((r) => r.id));
    await tx.execute(sql`delete from bulk_operation_items where operation_id = any(${ids})`);
    await tx.execute(sql`delete from bulk_operations where id = any(${ids})`);
  });
}
