import type { Db } from '@roster/db';
import { countImportOutcomes, type ImportPreviewInput, validateImportRows } from '@roster/domain';
import { decideImportRow, loadImportLookups } from './importLookups';

/**
 * `imports.preview`: every row of one chunk with its verdict, the file's rules re-run here and then
 * checked against the database. Rows arrive in chunks; a duplicate across chunks is the browser's
 * to mark (it holds the whole file), and the commit decides it again on the server.
 */
export async function previewImport(db: Db, input: ImportPreviewInput) {
  const validated = validateImportRows(input.rows);
  const lookups = await loadImportLookups(db, validated);
  const emailsOfChunk = new Set(validated.map((r) => r.email));
  const rows = validated.map((row) => decideImportRow(row, lookups, (email) => emailsOfChunk.has(email)));
  const privileged = rows.filter((r) => r.outcome === 'create' && lookups.roleFor(r.role)?.isAdmin).length;
  return {
    rows: rows.map(({ line, outcome, reason, detail, email }) => ({ line, outcome, reason, detail, email })),
    counts: countImportOutcomes(rows),
    /** Rows that would create users with the Administrator role: the commit asks for confirmation. */
    privileged,
  };
}
