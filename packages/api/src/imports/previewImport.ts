import type { Db } from '@roster/db';
import {
  countImportOutcomes,
  decideImportRow,
  type ImportPreviewInput,
  importRowCreatesAdministrator,
  validateImportRows,
} from '@roster/domain';
import { loadImportLookups } from './importLookups';

/**
 * `imports.preview`: every row of one chunk with its verdict, the file's rules re-run here and then
 * checked against the database. Rows arrive in chunks; a duplicate across chunks is the browser's
 * to mark (it holds the whole file), and the commit decides it again on the server.
 */
export async function previewImport(db: Db, input: ImportPreviewInput) {
  const validated = validateImportRows(input.rows);
  const lookups = await loadImportLookups(db, validated);
  const emailsOfChunk = new Set(validated.map((r) => r.email));
  const facts = { ...lookups, isEmailOfThisImport: (email: string) => emailsOfChunk.has(email) };
  const rows = validated.map((row) => decideImportRow(row, facts));
  return {
    rows: rows.map((row) => ({
      line: row.line,
      outcome: row.outcome,
      reason: row.reason,
      detail: row.detail,
      email: row.email,
      /** Creates a user with the Administrator role: the commit asks for confirmation. */
      privileged: importRowCreatesAdministrator(row, facts),
    })),
    counts: countImportOutcomes(rows),
  };
}
